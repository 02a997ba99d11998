export { freePort } from './free-port';
export { own, type ChildExit, type OwnedChild } from './owned-child';
export { measureMachineCpu, processCpuSeconds, processMemory, rssMiB } from './proc-stats';
export { acceptsConnections, answersOk, waitUntil, type WaitOptions } from './wait';
