import { create } from 'zustand';
import type { ConnectionState } from '../api/ws-transport';
import { currentConnectionState, onConnectionState } from '../api/client';

interface ConnectionStore {
  state: ConnectionState;
  /** Whether the connection was ever open: the first "connecting" is a start, later ones are losses. */
  wasOpen: boolean;
  /** Counts re-openings after a loss, so views can start over once per reconnect. */
  reconnects: number;
}

export const useConnectionStore = create<ConnectionStore>(() => ({
  state: currentConnectionState(),
  wasOpen: currentConnectionState() === 'open',
  reconnects: 0,
}));

// Subscribed at load, not in an effect: the socket may open before React's first commit.
onConnectionState((state) =>
  useConnectionStore.setState((old) => ({
    state,
    wasOpen: old.wasOpen || state === 'open',
    reconnects: old.reconnects + (state === 'open' && old.wasOpen && old.state !== 'open' ? 1 : 0),
  })),
);

export const connectionLost = (s: Pick<ConnectionStore, 'state' | 'wasOpen'>): boolean => s.wasOpen && s.state !== 'open';
