/** Loudness of a block of audio samples, for the microphone level meter. */

/**
 * Level 0–1 from 8-bit time-domain samples (128 = silence), as an RMS scaled so that normal
 * speech lands around the middle.
 */
export function levelFromSamples(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) {
    const v = (s - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, rms * 4);
}

/** How many of `bars` bars to light for `level`. */
export function barsLit(level: number, bars: number): number {
  return Math.max(0, Math.min(bars, Math.round(level * bars)));
}
