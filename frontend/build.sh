#!/usr/bin/env bash
# Compile the pinned front-end packages into custodes/web/static/build/ (run by `make static`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../custodes/web/static/build"
rm -rf "$out.tmp" && mkdir -p "$out.tmp/assets"
cp -R "$here/node_modules/govuk-frontend/dist/govuk/assets/." "$out.tmp/assets/"
cp -R "$here/node_modules/@ministryofjustice/frontend/moj/assets/." "$out.tmp/assets/"
cp "$here/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$out.tmp/govuk-frontend.min.js"
cp "$here/node_modules/@ministryofjustice/frontend/moj/all.bundle.mjs" "$out.tmp/moj-frontend.mjs"
cd "$here"
for name in custodes custodes-govuk; do
  # --quiet-deps: the packages' own deprecation notices are theirs to fix, not ours.
  node_modules/.bin/sass --load-path=. --style=compressed --no-source-map --quiet-deps \
    "scss/$name.scss" "$out.tmp/$name.css"
done
rm -rf "$out" && mv "$out.tmp" "$out"
echo "static assets built in custodes/web/static/build"
