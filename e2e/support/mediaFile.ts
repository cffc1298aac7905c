/** What ffprobe and ffmpeg say about a media file: its streams, length, frozen stretches and loudness. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface StreamInfo {
  codecType: string;
  codecName: string;
}

/** The file's streams, in order (`ffprobe -show_entries stream=codec_type,codec_name`). */
export async function streams(file: string): Promise<StreamInfo[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { streams?: { codec_type?: string; codec_name?: string }[] };
  return (parsed.streams ?? []).map((s) => ({ codecType: s.codec_type ?? '', codecName: s.codec_name ?? '' }));
}

/** The container's duration in seconds (`ffprobe -show_entries format=duration`). */
export async function durationSeconds(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  const seconds = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe gave no duration for ${file}: ${JSON.stringify(stdout)}`);
  return seconds;
}

export interface Freeze {
  start: number;
  /** Absent when the freeze lasts to the end of the file. */
  end: number | null;
  duration: number | null;
}

/**
 * Stretches of the first video stream where the picture does not change for at least
 * `minSeconds` (ffmpeg's freezedetect at -60 dB noise).
 */
export async function freezes(file: string, minSeconds = 2): Promise<Freeze[]> {
  const stderr = await ffmpegLog(['-i', file, '-map', '0:v:0', '-vf', `freezedetect=n=-60dB:d=${minSeconds}`, '-f', 'null', '-']);
  const found: Freeze[] = [];
  for (const line of stderr.split('\n')) {
    const start = /freeze_start: ([\d.]+)/.exec(line);
    if (start) found.push({ start: Number(start[1]), end: null, duration: null });
    const duration = /freeze_duration: ([\d.]+)/.exec(line);
    const last = found.at(-1);
    if (duration && last) last.duration = Number(duration[1]);
    const end = /freeze_end: ([\d.]+)/.exec(line);
    if (end && last) last.end = Number(end[1]);
  }
  return found;
}

/** The first audio stream's mean volume in dB (ffmpeg's volumedetect). */
export async function meanVolumeDb(file: string): Promise<number> {
  const stderr = await ffmpegLog(['-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match) throw new Error(`volumedetect printed no mean volume for ${file}:\n${stderr.slice(-2000)}`);
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

/** Runs ffmpeg and returns what it logged (its filters report on standard error). */
async function ffmpegLog(args: string[]): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stderr;
}
