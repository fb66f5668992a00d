// A view that throws while rendering shows what went wrong instead of blanking the window; the
// other views keep working.
import { Component, type ReactNode } from "react";

export class ErrorBoundary extends Component<
  { children: ReactNode; resetKey: string },
  { error: Error | null; key: string }
> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(
    props: { resetKey: string },
    state: { error: Error | null; key: string },
  ) {
    // Another view (or org) starts afresh.
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    if (this.state.error)
      return (
        <section className="view" role="alert" data-testid="view-error">
          <h1>This view could not be shown</h1>
          <p className="error-text">{this.state.error.message}</p>
          <details>
            <summary>Details</summary>
            <pre className="error-stack">{this.state.error.stack}</pre>
          </details>
          <p className="muted">
            The other views still work. The log file (About Rollcall) has the details.
          </p>
        </section>
      );
    return this.props.children;
  }
}
