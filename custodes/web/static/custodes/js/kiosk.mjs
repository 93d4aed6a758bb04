// Wing kiosk: after a short time without use, wipe the screen back to the kiosk's start page.
//
// The page says how long (data-kiosk-idle, seconds) and when to start warning (data-kiosk-warn). Any touch, key
// or typing counts as use. The wipe replaces the current history entry, so "Back" cannot bring the page back;
// what earlier history entries could re-send is useless after a few minutes, because the journey state the
// server issued (journey answers, or a sealed receipt on the follow-up pages) expires within minutes
// (custodes/reporting/public/state.py). While someone is using the screen this module renews it, so a slow
// writer is not cut off. Without JavaScript, a <noscript> refresh does the wipe.

const body = document.body;
const idleSeconds = Number(body.dataset.kioskIdle) || 120;
const warnSeconds = Math.min(Number(body.dataset.kioskWarn) || 30, idleSeconds);
const home = body.dataset.kioskHome || "/report/kiosk";
const renewUrl = body.dataset.kioskRenew || "";
const warning = document.querySelector("[data-kiosk-warning]");
const countdown = document.querySelector("[data-kiosk-countdown]");

// Tell the server this page has its script, so it keeps the journey state short-lived (it is renewed below).
for (const form of document.querySelectorAll('form[method="post"]')) {
  const marker = document.createElement("input");
  marker.type = "hidden";
  marker.name = "kiosk_js";
  marker.value = "1";
  form.append(marker);
}

let lastUse = Date.now();
let usedSinceRenewal = false;
let wiped = false;

function wipe() {
  if (wiped) return;
  wiped = true;
  // Empty the screen first, so nothing is readable while the start page loads.
  for (const field of document.querySelectorAll("input, textarea")) field.value = "";
  const main = document.querySelector("main");
  if (main) main.replaceChildren();
  window.location.replace(home);
}

function used() {
  lastUse = Date.now();
  usedSinceRenewal = true;
  if (warning && !warning.hidden) warning.hidden = true;
}

for (const name of ["pointerdown", "keydown", "input", "touchstart", "wheel"]) {
  document.addEventListener(name, used, { capture: true, passive: true });
}

function tick() {
  const left = idleSeconds - Math.floor((Date.now() - lastUse) / 1000);
  if (left <= 0) {
    wipe();
    return;
  }
  if (warning && left <= warnSeconds) {
    if (countdown) countdown.textContent = String(left);
    warning.hidden = false;
  }
}
setInterval(tick, 250);

const keepGoing = document.querySelector("[data-kiosk-keep-going]");
if (keepGoing) keepGoing.addEventListener("click", used);

// "I have finished": go to the start without leaving this page in the history.
for (const link of document.querySelectorAll("[data-kiosk-finish]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    wipe();
  });
}

// After the receipt slip is printed, count down to the wipe straight away.
window.addEventListener("afterprint", () => {
  lastUse = Date.now() - (idleSeconds - warnSeconds) * 1000;
  tick();
});

// A page brought back from the browser's back-forward cache belongs to whoever used the kiosk before.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) wipe();
});

async function renew() {
  const fields = ["state", "receipt_token"]
    .map((name) => document.querySelector(`input[name="${name}"]`))
    .filter((field) => field && field.value);
  if (!renewUrl || !fields.length || !usedSinceRenewal || wiped) return;
  usedSinceRenewal = false;
  try {
    const response = await fetch(renewUrl, {
      method: "POST",
      body: new URLSearchParams(fields.map((field) => [field.name, field.value])),
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 410) {
      wipe();
      return;
    }
    if (!response.ok) return;
    const renewed = await response.json();
    for (const [name, value] of Object.entries(renewed)) {
      for (const input of document.querySelectorAll(`input[name="${name}"]`)) input.value = value;
    }
  } catch {
    // Offline for a moment: the next renewal tries again.
  }
}
setInterval(renew, Math.max(5, Math.floor(idleSeconds / 3)) * 1000);
