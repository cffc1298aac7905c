import { Mic } from "lucide-react";
import { useEffect, useState } from "react";
import { barsLit, levelFromSamples } from "../../lib/audioLevel";

const BARS = 3;
const UPDATE_MS = 80;

/** A small meter showing that the microphone picks up sound (decorative: hidden from screen readers). */
export function MicLevel({ track }: { track: MediaStreamTrack | null }) {
  const [level, setLevel] = useState(0);

  useEffect(() => {
    const AudioContextClass = globalThis.AudioContext;
    if (!track || !AudioContextClass) return;
    const context = new AudioContextClass();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let frame = 0;
    let last = 0;
    const tick = (now: number) => {
      if (now - last >= UPDATE_MS) {
        last = now;
        analyser.getByteTimeDomainData(samples);
        setLevel(levelFromSamples(samples));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    // Browsers keep audio suspended until the page is interacted with.
    const resume = () => void context.resume();
    window.addEventListener("pointerdown", resume, { once: true });
    window.addEventListener("keydown", resume, { once: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("pointerdown", resume);
      window.removeEventListener("keydown", resume);
      source.disconnect();
      void context.close();
    };
  }, [track]);

  const lit = track?.enabled ? barsLit(level, BARS) : 0;
  return (
    <span aria-hidden="true" className="flex h-8 items-center gap-1.5 rounded-full bg-surface-0/60 px-2.5 text-white backdrop-blur">
      <Mic className="size-4" />
      <span className="flex h-4 items-end gap-0.5">
        {Array.from({ length: BARS }, (_, i) => (
          <span key={i} className={`w-1 rounded-full ${i < lit ? "bg-success" : "bg-white/35"}`} style={{ height: `${40 + i * 30}%` }} />
        ))}
      </span>
    </span>
  );
}
