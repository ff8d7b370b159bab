/**
 * `@voxframe/s2s-nova/testing`: the HTTP/2 event-stream emulator will live here. Not implemented yet.
 *
 * @packageDocumentation
 */
export {};
