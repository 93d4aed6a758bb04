"""The leads' dashboards (issue 4, item 9): counts through the policy, charts drawn on the server as SVG."""
