import { openPage, startLab } from './harness.mjs';
const hash = process.argv[2] ?? '';
const lab = await startLab();
const { page, close } = await openPage(lab, '/#' + hash);
const t0 = Date.now();
const r = await page.evaluate(() => window.lab.network.train().then((r) => ({ total: r.seconds_total, measuring: r.seconds_measuring, last: r.history.at(-1).test_acc, n: r.history.length })));
console.log(JSON.stringify({ wall: (Date.now() - t0) / 1000, ...r }));
await page.screenshot({ path: '/tmp/pt/net.png', fullPage: true });
await close(); await lab.close();
