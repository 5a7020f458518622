/**
 * Disposal, the one way: a long-lived object registers what it creates and disposes it with itself.
 */
import type * as vscode from 'vscode';

/** A base class for objects that own disposables. */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  /** Registers `value` to be disposed with this object, and returns it. */
  protected register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Last created, first disposed: later objects may depend on earlier ones.
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
