// Package faultdraw makes the seeded rolls of fault injection, for the
// emulator's faults and the fault proxy alike: a decision depends only on
// the seed, what the call is (its parts: action, region, subject, ...) and
// its attempt number, never on the order in which calls arrive. It knows
// nothing of the API; it does not keep attempt counts.
package faultdraw

import (
	"encoding/binary"
	"hash/fnv"
)

// Draw is the hash of everything a decision may depend on.
type Draw uint64

// New hashes the seed, each part and the attempt number.
func New(seed, attempt uint64, parts ...string) Draw {
	h := fnv.New64a()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], seed)
	h.Write(n[:])
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	binary.LittleEndian.PutUint64(n[:], attempt)
	h.Write(n[:])
	return Draw(h.Sum64())
}

// Float returns the value in [0, 1) of one roll. FNV alone mixes its last
// bytes poorly, so each roll runs the hash and the roll number through the
// SplitMix64 finaliser, which gives every roll its own well-spread value.
func (d Draw) Float(roll uint64) float64 {
	z := uint64(d) ^ mix64(roll)
	return float64(mix64(z)>>11) / (1 << 53)
}

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
