// Serves www/ on a free loopback port and opens it in Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const www = fileURLToPath(new URL('../../www', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForServer(url, deadline = Date.now() + 10_000) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test server at ${url} did not start`);
}

/** Starts the static server and the browser; `close()` stops both. */
export async function startLab() {
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '-d', www], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  await waitForServer(`${origin}/index.html`);
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
      server.kill();
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
