// Moved to model/ (the Snapshot's vocabulary belongs to no layer); importers are being moved.
export * from '../model/status.js';
