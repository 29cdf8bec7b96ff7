// Package serve serves the inloop app over SSH with Wish: one Bubble Tea
// program per SSH session, each watching a training run.
//
// Who may connect is chosen explicitly: a public-key allow-list, anonymous
// access (public), or both (listed keys steer, the others watch). Sessions
// need a PTY. The server caps concurrent sessions and trainers, rate-limits
// connection attempts per address, ends idle and over-long sessions, logs one
// line per session on its own log (never on a client's screen) and shuts down
// gracefully: sessions are told, trainers stopped with a checkpoint.
//
// Two join modes: JoinOwn gives each session its own run until MaxTrainers
// runs exist, then further sessions watch the shared run; JoinShared lets
// everyone watch one shared run. In the shared run only allow-listed keys may
// send commands; the others get a read-only view that says why.
package serve
