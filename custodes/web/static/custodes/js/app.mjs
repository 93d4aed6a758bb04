// Progressive enhancement only: every page works without JavaScript.
// An external module (never inline script), so the Content-Security-Policy needs no 'unsafe-inline'.
import { initAll as initGovukFrontend } from "../../build/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../../build/moj-frontend.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovukFrontend();
initMojFrontend();
