// Package tui is the live explorer: a Bubble Tea app that shows and steers a
// training run on the emulated chip, and the SSH server that serves it.
package tui
