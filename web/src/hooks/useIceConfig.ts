import { useEffect, useState } from "react";
import { fetchIceConfig } from "../api/callApi";
import { IceConfigSource } from "../call/iceConfigSource";

/** TURN/STUN configuration, fetched on mount and kept fresh until unmount. */
export function useIceConfig(): IceConfigSource {
  const [source] = useState(() => new IceConfigSource((signal) => fetchIceConfig(signal)));
  useEffect(() => {
    source.start();
    return () => source.stop();
  }, [source]);
  return source;
}
