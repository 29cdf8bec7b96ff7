// Package demo makes synthetic, seeded training-run events and a Source
// that emits them, for the app's tests, golden files and a demo without a
// trainer. The numbers look like a Yin-Yang run on the emulated chip (5
// inputs, 120 hidden, 3 outputs, CADC samples every 1.7 µs) but come from
// no model: they only exercise the app.
package demo
