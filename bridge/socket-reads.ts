// Moves an upgraded connection onto a socket that reads into buffers the bridge supplies.
//
// node:http hands over the upgraded connection as a plain net.Socket, which reads the way every Node
// socket does by default: a fresh 64 KB buffer per read, freed by the garbage collector later. For the
// bridge's upload direction that cost about 1 ms of CPU per MB (mostly page faults on the fresh memory),
// against about 0.2 ms when reads go into buffers that are reused (`onread`, the same mechanism the
// tunnel's host side uses). `onread` can only be given when a socket is created, so the connection's
// handle (the libuv TCP handle, which keeps the file descriptor and any pending kernel state) is wrapped in
// a new net.Socket that has it. This relies on two undocumented but long-standing parts of node:net, the
// `_handle` of a socket and the `handle` option of its constructor (what net.Server itself uses for
// accepted connections); where they are not there, or the connection is TLS (the bridge serving HTTPS
// itself), the socket is left as it is and reads the default way.
import { Socket, type OnReadOpts } from 'node:net';
import { TLSSocket } from 'node:tls';

/** The node:net internals used here (see above). */
interface NetSocketInternals {
  _handle: { useUserBuffer?: unknown } | null;
  _server: unknown;
  server: unknown;
}

/**
 * A new socket over `socket`'s connection that reads with `onread`, created paused; `socket` is left
 * detached and destroyed. Returns null, and changes nothing, when that cannot be done safely.
 */
export function withOwnReadBuffers(socket: Socket, onread: OnReadOpts): Socket | null {
  const old = socket as unknown as NetSocketInternals;
  const handle = old._handle;
  if (socket instanceof TLSSocket || handle === null || typeof handle?.useUserBuffer !== 'function')
    return null;
  // Nothing may be in flight on the old wrapper: no bytes it read but did not hand out, none queued to write.
  if (socket.readableLength > 0 || socket.writableLength > 0 || socket.destroyed) return null;
  const adopted = new Socket({
    handle,
    allowHalfOpen: socket.allowHalfOpen,
    pauseOnCreate: true,
    readable: true,
    writable: true,
    onread,
  } as ConstructorParameters<typeof Socket>[0]);
  // The server counts its open connections through the socket it created (server.close() waits for them
  // to end): that count moves to the new socket, which gives it back when it is destroyed.
  const server = old._server;
  const internals = adopted as unknown as NetSocketInternals;
  internals._server = server;
  internals.server = server;
  old._server = null;
  old.server = null;
  old._handle = null;
  socket.removeAllListeners();
  socket.on('error', () => {});
  socket.destroy();
  return adopted;
}
