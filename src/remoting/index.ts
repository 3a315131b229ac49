/**
 * The remoting layer: commands, frame codec, stream splitter, connections and a small server.
 * @module
 */
export * from './command.js';
export * from './frame.js';
export * from './splitter.js';
export * from './connection.js';
export * from './server.js';
