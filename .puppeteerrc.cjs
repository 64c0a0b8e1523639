/**
 * Puppeteer must never download a browser during `npm install`: this project's
 * machines reach only the npm and Debian registries. The browser is found (or
 * installed from Debian) by src/setup/ensure-browser.ts instead.
 * @type {import("puppeteer").Configuration}
 */
module.exports = {
  skipDownload: true,
};
