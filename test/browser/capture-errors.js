// Loaded first (a classic script) by engine.html: collects page errors and unhandled rejections in
// globalThis.__errors, for drivers that cannot listen to the page (classic WebDriver: WebKit).
globalThis.__errors = [];
addEventListener('error', (e) => globalThis.__errors.push(`error: ${e.message} (${e.filename}:${e.lineno})`));
addEventListener('unhandledrejection', (e) => globalThis.__errors.push(`unhandledrejection: ${e.reason && e.reason.stack || e.reason}`));
