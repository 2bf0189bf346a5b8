// Serves www/ on a free loopback port and opens it in Debian's Chromium through playwright-core.
// The tests run the page with the wasm module built for them (feature `testing`, in
// target/testing-pkg: the page's module plus a deliberate panic and the bench's entry points);
// `startLab({ pagePkg: true })` serves the page's own module instead.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const www = fileURLToPath(new URL('../../www', import.meta.url));
export const testingPkg = fileURLToPath(new URL('../../target/testing-pkg', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.gz': 'application/gzip', '.bin': 'application/octet-stream', '.png': 'image/png', '.csv': 'text/csv',
};

/** A static file server of www/ on loopback (`/pkg/` from `pkg`), like any static host. */
function serve(pkg) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const relative = normalize(path === '/' ? '/index.html' : path);
    const file = relative.startsWith('/pkg/') ? join(pkg, relative.slice(5)) : join(www, relative);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts the static server and the browser; `close()` stops both. */
export async function startLab({ pagePkg = false } = {}) {
  const server = await serve(pagePkg ? join(www, 'pkg') : testingPkg);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    origin,
    browser,
    async close() {
      await browser.close();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** A new page that records console errors, uncaught exceptions and every request. */
export async function openPage(lab, path = '/', { viewport = { width: 1400, height: 1000 } } = {}) {
  const context = await lab.browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  context.on('request', (request) => requests.push(request.url()));
  await page.goto(`${lab.origin}${path}`);
  await page.waitForFunction(() => window.lab && document.getElementById('status').textContent.startsWith('Ready'));
  // The page starts its computing worker as soon as it is ready (to warm it up); Playwright
  // learns of a worker a little later: wait for it, so that tests can reach it at once.
  for (let waited = 0; waited < 5000 && !page.workers().some((w) => w.url().includes('/worker.js')); waited += 50) await page.waitForTimeout(50);
  return { page, problems, requests, close: () => context.close() };
}

/** Share of a canvas's pixels that are neither transparent nor white: has it been drawn on? */
export function inkedShare(page, id) {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) inked += 1;
    }
    return inked / (data.length / 4);
  }, id);
}
