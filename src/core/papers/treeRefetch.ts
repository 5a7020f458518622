/**
 * Asks a tree view again for its top level when a change it was told of never led it to fetch the
 * new rows. The Papers view was seen empty with the library loaded (once in some 40 e2e runs here,
 * twice in one CI run), a view that VS Code shows while the library is loading often fetching the
 * empty top level just before the papers arrive. VS Code's code suggests how the change that follows
 * can go unfetched: its tree view ignores a refresh that comes before its tree widget exists, and
 * one that comes while the view is visible by one of its two visibility flags but not yet the other.
 * The provider reports each change of its top level and each fetch of it; a change that no fetch
 * followed within `delayMs` while the view shows (or within `delayMs` of its being shown) is fired
 * again, a few times at most. Firing sooner would cancel the fetch VS Code is about to make.
 */
export interface TreeRefetchOptions {
  /** Whether the view shows now (VS Code fetches nothing for a hidden or collapsed view). */
  visible(): boolean;
  /** Tells the view, again, that its top level changed. */
  refire(): void;
  /** Told each time refire is called, with how many times this change was fired again. */
  onRefire?(attempt: number): void;
  delayMs?: number;
  maxRefires?: number;
}

export class TreeRefetch {
  private version = 0;
  private fetchedVersion = 0;
  private refires = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly delayMs: number;
  private readonly maxRefires: number;

  constructor(private readonly options: TreeRefetchOptions) {
    this.delayMs = options.delayMs ?? 1500;
    this.maxRefires = options.maxRefires ?? 3;
  }

  /** The top level changed and the view was told. */
  changed(): void {
    this.version++;
    this.refires = 0;
    this.arm();
  }

  /** The view fetched the top level as it is now. */
  fetched(): void {
    this.fetchedVersion = this.version;
    this.disarm();
  }

  /** The view was shown: it fetches then, and a change it has not fetched within `delayMs` is fired again. */
  shown(): void {
    if (!this.stale()) return;
    this.refires = 0;
    this.arm();
  }

  dispose(): void {
    this.disarm();
  }

  private stale(): boolean {
    return this.fetchedVersion !== this.version;
  }

  private check(): void {
    this.timer = undefined;
    // A hidden view fetches when it is shown; shown() catches a change it misses then.
    if (!this.stale() || !this.options.visible() || this.refires >= this.maxRefires) return;
    this.refire();
  }

  private refire(): void {
    this.refires++;
    this.options.onRefire?.(this.refires);
    this.options.refire();
    this.arm();
  }

  private arm(): void {
    this.disarm();
    this.timer = setTimeout(() => this.check(), this.delayMs);
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
