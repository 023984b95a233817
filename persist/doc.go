// Package persist keeps Pump Connect's accounts in the app's Fyne
// preferences, and makes sure only one copy of the app runs at a time.
//
// # Accounts
//
// A [Store] wraps fyne.Preferences. Each account is one JSON document under
// the key "account/<address>" (so a damaged file loses as little as
// possible), with an index of addresses, the current address, a revision
// and the schema version ([SchemaVersion]) under keys that sort first.
// The GUI saves as the flow goes:
//
//  1. [Store.SaveRegistration] as soon as pumpauth's Register returns,
//     before the browser step: an app killed or cancelled mid-flow never
//     registers again on that server.
//  2. [Store.SaveToken] once the access token is there; the account becomes
//     the current one.
//  3. [Store.ClearToken] when the server rejects the token (the
//     registration is kept), [Store.ClearClient] when it rejects the client
//     (the next flow registers again), [Store.Forget] to remove an account
//     and every secret of it.
//
// # Files
//
// When the preferences live in a file (pass [PreferencesPath] of the app's
// storage root to [NewStore]), the store also:
//
//   - makes the config directory 0700 and the preferences file 0600 before
//     any secret is written (Fyne creates the file 0644 but keeps the mode of
//     an existing one); not on Windows, where file modes do not apply;
//   - writes a backup, accounts-backup.json (0600), atomically (temporary
//     file, fsync, rename) at every change, before the preferences, so it
//     is never older than them;
//   - checks the preferences file at open. Fyne rewrites it in place at every
//     change, so a crash can leave it cut short or empty, and Fyne then starts
//     with empty preferences and overwrites the file at the next change. If
//     the file is damaged, or lacks accounts the backup has, the store moves
//     it aside (preferences.json.damaged-<time>, 0600), restores the
//     accounts from the backup and from every complete entry still readable
//     in the damaged file, and says so in plain words in [Store.Notice] for
//     the GUI to show.
//
// Nothing in this package logs, and no error it returns contains a secret.
//
// # One copy at a time
//
// [AcquireInstance] makes the first copy of the app hold a lock and listen
// on a unix socket in the config directory; a second copy (a double
// double-click) asks the first to show its window and exits, so two copies
// never write the same preferences file.
package persist
