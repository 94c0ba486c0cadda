import type { ErrorInfo, ReactNode } from 'react';
import { Component } from 'react';

/** The last line: a bug in a view shows what broke and a way back, instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Narwhal view crashed', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>Narwhal hit a bug</h1>
        <p>The window could not be drawn. Your caches are not affected.</p>
        <pre className="crash__message">{error.message}</pre>
        <div className="crash__actions">
          <button type="button" className="button button--primary" onClick={() => location.reload()}>
            Reload the window
          </button>
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      </div>
    );
  }
}
