/**
 * A low-resolution camera for calls with many tabs on a two-core machine: a Y4M clip Chromium
 * plays as its fake camera (`--use-file-for-fake-video-capture`), a moving gradient with a
 * sweeping bar so the encoder has real motion to code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes the clip (if missing) and returns its path. */
export function lowResCameraClip(width = 320, height = 180, fps = 15, frames = 45): string {
  const dir = path.join(os.tmpdir(), 'peershare-e2e');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `camera-${width}x${height}-${fps}.y4m`);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const chunks: Buffer[] = [header];
  const lumaSize = width * height;
  const chromaSize = (width / 2) * (height / 2);
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc(lumaSize + 2 * chromaSize);
    const bar = Math.floor((f / frames) * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inBar = Math.abs(x - bar) < width / 20;
        frame[y * width + x] = inBar ? 235 : 16 + ((x + y + f * 4) % 200);
      }
    }
    // Neutral chroma: a grey picture, like a dim room.
    frame.fill(128, lumaSize);
    chunks.push(Buffer.from('FRAME\n'), frame);
  }
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}
