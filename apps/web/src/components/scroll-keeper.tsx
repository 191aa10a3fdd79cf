import { Component, createRef, type KeyboardEvent, type ReactNode } from "react";

type Props = {
  /** Key of the first and last rows: tells a prepend (older history) from an append. */
  firstKey: string | undefined;
  lastKey: string | undefined;
  /** Changes when the user sends something: the view then always goes to the bottom. */
  sentKey: string | undefined;
  /** More history exists above. */
  hasOlder: boolean;
  onNearTop: () => void;
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  /** Told whenever the reader arrives at the bottom or leaves it. */
  onBottomChange?: (atBottom: boolean) => void;
  /** Shown floating when the reader is away from the bottom. */
  renderJump(jump: () => void): ReactNode;
  children: ReactNode;
  label: string;
};

type Snapshot = { kind: "prepend"; fromBottom: number } | { kind: "bottom" } | null;

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 80;
/** Older history starts loading this far from the top, before the reader gets there. */
const PRELOAD_PX = 600;

/**
 * The scrolling message log. A chat must keep the reader's place as rows arrive at both ends:
 * new messages keep a reader at the bottom there, older pages prepended above leave the rows
 * in view exactly where they were. That needs the scroll height from *before* the DOM
 * changes, which only a class component's getSnapshotBeforeUpdate provides (React's own
 * example of it is this very case).
 */
export class ScrollKeeper extends Component<Props, { away: boolean }> {
  override state = { away: false };
  private readonly ref = createRef<HTMLDivElement>();
  private atBottom = true;
  private resize: ResizeObserver | null = null;

  override componentDidMount(): void {
    this.toBottom();
    const el = this.ref.current;
    if (el && typeof ResizeObserver !== "undefined") {
      // The composer grows, the window turns: whoever was at the bottom stays there.
      this.resize = new ResizeObserver(() => {
        if (this.atBottom) this.toBottom();
      });
      this.resize.observe(el);
      const list = el.firstElementChild;
      if (list) this.resize.observe(list);
    }
    this.fillViewport();
  }

  override componentWillUnmount(): void {
    this.resize?.disconnect();
  }

  override getSnapshotBeforeUpdate(prev: Props): Snapshot {
    const el = this.ref.current;
    if (!el) return null;
    if (prev.firstKey !== undefined && prev.firstKey !== this.props.firstKey && prev.lastKey === this.props.lastKey) {
      return { kind: "prepend", fromBottom: el.scrollHeight - el.scrollTop };
    }
    if (prev.sentKey !== this.props.sentKey || this.isAtBottom(el)) return { kind: "bottom" };
    return null;
  }

  override componentDidUpdate(_prev: Props, _state: unknown, snapshot: Snapshot): void {
    const el = this.ref.current;
    if (!el || !snapshot) return this.fillViewport();
    if (snapshot.kind === "prepend") el.scrollTop = el.scrollHeight - snapshot.fromBottom;
    else this.toBottom();
    this.fillViewport();
  }

  private isAtBottom(el: HTMLElement): boolean {
    return el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
  }

  private setAtBottom(atBottom: boolean): void {
    if (atBottom === this.atBottom) return;
    this.atBottom = atBottom;
    this.props.onBottomChange?.(atBottom);
  }

  /** Whether the reader is at the bottom now. */
  isReaderAtBottom(): boolean {
    return this.atBottom;
  }

  private readonly toBottom = () => {
    const el = this.ref.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    this.setAtBottom(true);
    if (this.state.away) this.setState({ away: false });
  };

  /**
   * Scrolls so that `target` (a row of the log) is in view: at the top ("start", a little
   * below the edge) or in the middle ("center"), as far as the log can scroll.
   */
  reveal(target: HTMLElement, block: "start" | "center"): void {
    const el = this.ref.current;
    if (!el) return;
    const top = target.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop;
    const offset = block === "start" ? 12 : (el.clientHeight - target.offsetHeight) / 2;
    el.scrollTop = Math.max(0, Math.min(el.scrollHeight - el.clientHeight, top - offset));
    this.setAtBottom(this.isAtBottom(el));
    const away = el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight;
    if (away !== this.state.away) this.setState({ away });
  }

  /** A short first page leaves no room to scroll: load more until the log can scroll. */
  private fillViewport(): void {
    const el = this.ref.current;
    if (el && this.props.hasOlder && el.scrollHeight <= el.clientHeight + 40) this.props.onNearTop();
  }

  private readonly onScroll = () => {
    const el = this.ref.current;
    if (!el) return;
    this.setAtBottom(this.isAtBottom(el));
    const away = el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight;
    if (away !== this.state.away) this.setState({ away });
    if (el.scrollTop < PRELOAD_PX && this.props.hasOlder) this.props.onNearTop();
  };

  override render() {
    return (
      <div className="log-wrap">
        <div
          ref={this.ref}
          className="log"
          role="log"
          aria-label={this.props.label}
          tabIndex={0}
          onScroll={this.onScroll}
          onKeyDown={this.props.onKeyDown}
        >
          {this.props.children}
        </div>
        {this.state.away ? this.props.renderJump(this.toBottom) : null}
      </div>
    );
  }
}
