import { measureBundles, measureDeployRun, nodeFloorMs } from '../cold-start.ts';

const t = performance.now();
console.log('floor', await nodeFloorMs('/work/main'));
console.log(await measureBundles('/work/main', 3));
console.log(await measureDeployRun('/work/main'));
console.log(performance.now() - t);
