"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";

/** The rows rendered: start to end, both included (end < start when there are none). */
export type RowWindow = { start: number; end: number };

type View = { first: number; last: number; forward: boolean };

type Options = {
  count: number;
  rowHeight: number;
  /** Rows kept rendered past the viewport in the direction of scrolling, and behind it. */
  ahead: number;
  behind: number;
  /** At most this many rows are added per animation frame while the window fills up to its overscan. */
  chunk: number;
};

// Before the scroller has been measured (and on the server): enough rows for a tall viewport.
const INITIAL_VIEW_ROWS = 12;

/**
 * Windowing for a list of fixed-height rows (T9: 10,000 conversations). Positions are arithmetic, so
 * nothing is measured. A scroll renders in its own frame only when rows in view are missing; the rows
 * ahead of and behind the viewport are added a few per animation frame, so no frame lays out and paints
 * a whole screen of new rows at once (that made the long tasks while scrolling).
 */
export function useRowWindow({ count, rowHeight, ahead, behind, chunk }: Options) {
  const limits = useRef({ count, rowHeight, ahead, behind, chunk });
  useLayoutEffect(() => {
    limits.current = { count, rowHeight, ahead, behind, chunk };
  });
  const scroller = useRef<HTMLElement | null>(null);
  const view = useRef<View>({ first: 0, last: INITIAL_VIEW_ROWS - 1, forward: true });
  const lastTop = useRef(0);
  // Kept from the resize observer: a scroll reads only scrollTop.
  const height = useRef(0);
  const [win, setWin] = useState<RowWindow>(() => ({
    start: 0,
    end: Math.min(count, INITIAL_VIEW_ROWS) - 1,
  }));
  const committed = useRef(win);
  useLayoutEffect(() => {
    committed.current = win;
  }, [win]);

  /** Reads the viewport; renders at once (in this frame) only when rows in view are not rendered yet. */
  const update = useCallback((urgent: boolean) => {
    const el = scroller.current;
    if (!el) return;
    if (!urgent) height.current = el.clientHeight;
    const { count, rowHeight } = limits.current;
    const top = el.scrollTop;
    const forward = top === lastTop.current ? view.current.forward : top > lastTop.current;
    lastTop.current = top;
    const first = Math.floor(top / rowHeight);
    const last = Math.max(first, Math.floor((top + height.current - 1) / rowHeight));
    view.current = { first, last, forward };
    const shown = committed.current;
    const missing = first < shown.start || Math.min(view.current.last, count - 1) > shown.end;
    if (missing && urgent) flushSync(() => setWin((w) => same(w, fill(w, view.current, limits.current, 0))));
    else setWin((w) => same(w, fill(w, view.current, limits.current, limits.current.chunk)));
  }, []);

  // The scroller mounts only once there are rows: a callback ref, so the listeners follow the element.
  const ref = useCallback(
    (el: HTMLElement | null) => {
      scroller.current = el;
      if (!el) return;
      const onScroll = () => update(true);
      el.addEventListener("scroll", onScroll, { passive: true });
      const resized = new ResizeObserver(() => update(false));
      resized.observe(el);
      update(false);
      return () => {
        el.removeEventListener("scroll", onScroll);
        resized.disconnect();
        scroller.current = null;
      };
    },
    [update],
  );

  // Fill toward the overscan, one chunk per frame; also trims rows that fell out of it, and follows
  // a list that grew or shrank.
  useEffect(() => {
    const next = fill(win, view.current, limits.current, chunk);
    if (next.start === win.start && next.end === win.end) return;
    const frame = requestAnimationFrame(() =>
      setWin((w) => same(w, fill(w, view.current, limits.current, limits.current.chunk))),
    );
    return () => cancelAnimationFrame(frame);
  }, [win, count, chunk]);

  /** Scrolls the least needed to show the row (the keyboard cursor), like scrollIntoView "nearest". */
  const reveal = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el || index < 0) return;
      const { rowHeight } = limits.current;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight)
        el.scrollTop = top + rowHeight - el.clientHeight;
      else return;
      update(false);
    },
    [update],
  );

  // Rows past the end of a list that shrank are never shown.
  const shown = { start: win.start, end: Math.min(win.end, count - 1) };
  return { ref, shown, reveal, totalHeight: count * rowHeight };
}

/**
 * The next window: the rows in view, the rendered rows next to them that are still within the overscan,
 * and up to `add` more toward it, ahead of the scrolling first.
 */
export function fill(
  win: RowWindow,
  view: View,
  { count, ahead, behind }: { count: number; ahead: number; behind: number },
  add: number,
): RowWindow {
  if (count === 0) return { start: 0, end: -1 };
  const first = Math.min(view.first, count - 1);
  const last = Math.min(view.last, count - 1);
  const before = view.forward ? behind : ahead;
  const after = view.forward ? ahead : behind;
  const lo = Math.max(0, first - before);
  const hi = Math.min(count - 1, last + after);
  let start = Math.max(win.start, lo);
  let end = Math.min(win.end, hi);
  // Rendered rows that do not touch the viewport (a jump far away) are dropped, not bridged.
  if (start > end || start > last + 1 || end < first - 1) [start, end] = [first, last];
  else [start, end] = [Math.min(start, first), Math.max(end, last)];
  let budget = add;
  const grow = (room: number) => {
    const n = Math.max(0, Math.min(room, budget));
    budget -= n;
    return n;
  };
  if (view.forward) {
    end += grow(hi - end);
    start -= grow(start - lo);
  } else {
    start -= grow(start - lo);
    end += grow(hi - end);
  }
  return { start, end };
}

/** The previous window when nothing changed, so React skips the render. */
function same(previous: RowWindow, next: RowWindow): RowWindow {
  return previous.start === next.start && previous.end === next.end ? previous : next;
}
