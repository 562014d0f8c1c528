// The @kubernetes/client-node informer as a user writes it, for the KubeInformers end-to-end benchmark:
// kubeconfig file -> KubeConfig.loadFromFile -> CoreV1Api -> makeInformer('/api/v1/pods') -> start() -> synced.
// Then the heap it retains (after global.gc(), heapUsed, against a baseline taken the same way at start) and the
// rate at which the server's watch events reach an 'update' handler, counted from after the heap measurement.
// Prints one line: RESULT main=<unix ms> synced=<unix ms> bytes=<retained> count=<cached> events=<per second> peakRssMB=<peak resident set, MB>.
// Times are wall-clock Unix milliseconds (performance.timeOrigin + performance.now()), the clock the parent reads
// just before it starts this process. Run with: node --expose-gc informer.mjs --kubeconfig F --objects N --events M
import { KubeConfig, CoreV1Api, makeInformer } from '@kubernetes/client-node';

const now = () => performance.timeOrigin + performance.now();
const tMain = now();
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const kubeconfig = option('--kubeconfig');
const objects = Number(option('--objects', '0'));
const events = Number(option('--events', '0'));
if (!kubeconfig) {
  console.error('--kubeconfig is required');
  process.exit(2);
}
if (typeof global.gc !== 'function') {
  console.error('run with --expose-gc');
  process.exit(2);
}
const heapAfterGc = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

const baseline = heapAfterGc();
const deadline = setTimeout(() => {
  console.error(`timed out: ${updates} of ${events} watch events`);
  process.exit(1);
}, 5 * 60 * 1000);

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const api = kc.makeApiClient(CoreV1Api);
const informer = makeInformer(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
let updates = 0;
let allArrived;
const arrived = new Promise((resolve) => { allArrived = resolve; });
informer.on('update', () => {
  if (++updates === events) allArrived();
});
informer.on('error', (err) => {
  console.error(`informer error: ${err}`);
  process.exit(1);
});
await informer.start();
const tSynced = now();
const count = informer.list().length;
if (count !== objects) {
  console.error(`the informer cached ${count} Pods, expected ${objects}`);
  process.exit(1);
}
const retained = heapAfterGc() - baseline;

let rate = NaN;
if (events > 0) {
  const t1 = now();
  const before = updates;
  if (updates < events) await arrived;
  rate = (events - before) / ((now() - t1) / 1000);
}
clearTimeout(deadline);
console.log(`RESULT main=${tMain.toFixed(3)} synced=${tSynced.toFixed(3)} bytes=${retained} count=${count} events=${Math.round(rate)} peakRssMB=${Math.floor(process.resourceUsage().maxRSS / 1024)}`);
process.exit(0);
