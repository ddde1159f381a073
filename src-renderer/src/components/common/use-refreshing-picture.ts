import { useEffect, useRef, useState } from 'react';

/**
 * A picture URL reloaded every `refreshMs` while `live` (once otherwise), each load made
 * off-screen and shown only when it arrived, so a slow or failed load (a 404 before the
 * first keyframe) never flashes a broken image. `urlFor` gets the refresh step, so
 * pictures mounted together ask for the same URL; null asks for nothing. `key` names
 * what is shown: a picture of another key is never returned.
 */
export function useRefreshingPicture(key: string, urlFor: ((step: number) => string) | null, live: boolean, refreshMs: number): string | null {
  const [shown, setShown] = useState<{ key: string; url: string } | null>(null);
  const latestUrlFor = useRef(urlFor);
  const wanted = urlFor !== null;
  useEffect(() => {
    latestUrlFor.current = urlFor;
  });

  useEffect(() => {
    if (!wanted) return;
    let cancelled = false;
    let loader: HTMLImageElement | null = null;
    const load = () => {
      const make = latestUrlFor.current;
      if (document.hidden || !make) return;
      const url = make(Math.floor(Date.now() / refreshMs));
      const img = new Image();
      loader = img;
      img.onload = () => {
        if (!cancelled && loader === img) setShown({ key, url });
      };
      img.src = url;
    };
    load();
    const timer = live ? setInterval(load, refreshMs) : null;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
      if (loader) loader.onload = null;
    };
  }, [key, wanted, live, refreshMs]);

  return wanted && shown?.key === key ? shown.url : null;
}
