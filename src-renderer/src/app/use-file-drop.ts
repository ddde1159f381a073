import { useEffect, useState } from 'react';
import { classifyDrag } from '../lib/file-drop';
import { useStudio } from '../store';

/**
 * Files dragged from the desktop onto any part of the window go to the Library: the
 * section opens and takes them in as its own drops (by path in the desktop app, by upload
 * in a browser). Drags the page makes itself (library tiles, text, pictures) are left to
 * whoever handles them. True while files are over the window, for the drop overlay.
 */
export function useFileDrop(): boolean {
  const [over, setOver] = useState(false);

  useEffect(() => {
    // A drag that started in this page: Chromium gives a dragged <img> a "Files" type too.
    let fromPage = false;
    // dragenter/dragleave come in pairs for every element crossed; the window is left when they even out.
    let depth = 0;
    const isFiles = (event: DragEvent) => classifyDrag([...(event.dataTransfer?.types ?? [])], fromPage) === 'files';

    const onDragStart = () => {
      fromPage = true;
    };
    const onDragEnd = () => {
      fromPage = false;
    };
    const onDragEnter = (event: DragEvent) => {
      if (!isFiles(event)) return;
      depth += 1;
      setOver(true);
    };
    const onDragOver = (event: DragEvent) => {
      if (!isFiles(event)) return;
      // Without this the drop would not fire, and Electron would open the file in the window.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDragLeave = (event: DragEvent) => {
      if (!isFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onDrop = (event: DragEvent) => {
      const files = isFiles(event) ? [...(event.dataTransfer?.files ?? [])] : [];
      depth = 0;
      fromPage = false;
      setOver(false);
      if (files.length === 0) return;
      event.preventDefault();
      useStudio.getState().dropFiles(files);
    };

    const listeners = { dragstart: onDragStart, dragend: onDragEnd, dragenter: onDragEnter, dragover: onDragOver, dragleave: onDragLeave, drop: onDrop } as const;
    for (const [type, listener] of Object.entries(listeners)) window.addEventListener(type, listener as EventListener);
    return () => {
      for (const [type, listener] of Object.entries(listeners)) window.removeEventListener(type, listener as EventListener);
    };  }, []);

  return over;
}
