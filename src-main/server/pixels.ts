/**
 * The binary pixel endpoint, `GET pixels/<instanceId>/<frame>[/preview]`: the frame's
 * stored samples as raw little-endian bytes, its FrameMeta as JSON in a
 * header. JSON would multiply a radiograph's 7 MB several times over; this
 * way the renderer wraps the bytes in a typed array without copying. The
 * preview is the same frame at a longest side of 512, shown first. The
 * bridge serves it behind its token, Electron through its app:// protocol.
 */
import type { ServerResponse } from 'node:http';
import { FRAME_META_HEADER } from '../../src-shared/contract/viewer';
import { AppError } from '../../src-shared/result';
import type { FramePixelSource } from '../services/viewer-service';

export const PIXELS_PREFIX = '/pixels/';

export interface PixelReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function textReply(status: number, message: string): PixelReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: Buffer.from(message) };
}

/** Answers a pixel request for `pathname` (starting with PIXELS_PREFIX). Never throws. */
export async function pixelReply(source: FramePixelSource, pathname: string): Promise<PixelReply> {
  const match = /^\/pixels\/(\d{1,12})\/(\d{1,6})(\/preview)?$/.exec(pathname);
  if (!match) return textReply(400, 'Expected pixels/<instanceId>/<frame> or pixels/<instanceId>/<frame>/preview.');
  try {
    const [instanceId, frame] = [Number(match[1]), Number(match[2])];
    const { meta, bytes } = await (match[3] ? source.preview(instanceId, frame) : source.get(instanceId, frame));
    return {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'cache-control': 'no-store',
        [FRAME_META_HEADER]: JSON.stringify(meta),
        'access-control-expose-headers': FRAME_META_HEADER,
      },
      body: bytes,
    };
  } catch (cause) {
    if (cause instanceof AppError) return textReply(cause.code === 'not_found' ? 404 : 400, cause.message);
    return textReply(500, 'Internal error while reading pixels.');
  }
}

export async function servePixels(source: FramePixelSource, method: string, pathname: string, res: ServerResponse): Promise<void> {
  const reply = method === 'GET' || method === 'HEAD' ? await pixelReply(source, pathname) : textReply(405, 'Use GET for pixels.');
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
  res.end(method === 'HEAD' ? undefined : reply.body);
}
