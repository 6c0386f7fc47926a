// The phase record of the Winograd kernels (winograd.ts), written by src/conv/winograd.ts
// (WINO and WINO_FIELDS there name the same fields in the same order). Helpers only: nothing
// under lib/ is a module export.
//
// One record is WINO_FIELDS int32, by index:
//    0 WINO_PIXELS_H   the phase's pixels along H
//    1 WINO_PIXELS_W   its pixels along W
//    2 WINO_X          x element (within a group's first channel) of pixel 0's (0,0) neighbour
//    3 WINO_PACKED     where its transformed weights start in one group's packed block
//    4 WINO_OUT        the output element of its pixel 0
//    5 WINO_STEP_H     output elements per pixel along H
//    6 WINO_STEP_W     output elements per pixel along W
//    7 WINO_TAPS       where its 4 taps (kernel indices of neighbours (0,0) (0,1) (1,0) (1,1)) start

export const WINO_FIELDS = 8;
export const WINO_PIXELS_H = 0;
export const WINO_PIXELS_W = 1;
export const WINO_X = 2;
export const WINO_PACKED = 3;
export const WINO_OUT = 4;
export const WINO_STEP_H = 5;
export const WINO_STEP_W = 6;
export const WINO_TAPS = 7;
