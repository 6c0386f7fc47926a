// The module's exports, in this order: every `export function` of the kernel files at this level
// (pointer-based kernels, one file a family; their helpers live under lib/, which exports nothing
// to the module). The wrapper (src/) owns all allocation; kernels never allocate, so the stub
// runtime is enough.
export * from './module';
export * from './interpolate';
export * from './area';
export * from './conv';
export * from './shuffle';
export * from './image';
