package filesource

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// JKS entry tags.
const (
	jksPrivateKey = 1
	jksTrusted    = 2
)

// jksDigestSize is the SHA-1 digest that ends a JKS file.
const jksDigestSize = 20

// checkJKSFrame walks a JKS file's structure and checks that every length
// fits in what is left of the file, without decoding anything.
func checkJKSFrame(data []byte) error {
	f := frame{data: data}
	f.skip(4) // magic, checked by the caller
	version := f.uint32()
	if f.err == nil && version != 1 && version != 2 {
		return fmt.Errorf("unknown version %d", version)
	}
	entries := f.uint32()
	for i := uint32(0); i < entries && f.err == nil; i++ {
		tag := f.uint32()
		f.skip(int(f.uint16())) // alias
		f.skip(8)               // creation time
		switch {
		case f.err != nil:
		case tag == jksPrivateKey:
			f.skip(int(f.uint32())) // encrypted key
			certs := f.uint32()
			for j := uint32(0); j < certs && f.err == nil; j++ {
				f.javaCert(version)
			}
		case tag == jksTrusted:
			f.javaCert(version)
		default:
			return fmt.Errorf("entry %d: unknown tag %d", i+1, tag)
		}
	}
	f.skip(jksDigestSize)
	if f.err != nil {
		return f.err
	}
	if len(f.data) != 0 {
		return errors.New("trailing data after the digest")
	}
	return nil
}

// frame reads big-endian fields; the first overrun sticks in err and
// every later read is a no-op.
type frame struct {
	data []byte
	err  error
}

var errTruncated = errors.New("truncated")

func (f *frame) take(n int) []byte {
	if f.err != nil {
		return nil
	}
	if n < 0 || n > len(f.data) {
		f.err = errTruncated
		return nil
	}
	b := f.data[:n]
	f.data = f.data[n:]
	return b
}

func (f *frame) skip(n int) { f.take(n) }

func (f *frame) uint8() byte {
	if b := f.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (f *frame) uint16() uint16 {
	if b := f.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (f *frame) uint32() uint32 {
	if b := f.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// length64 reads a 64-bit length; one past what an int holds is an
// overrun like any other.
func (f *frame) length64() int {
	b := f.take(8)
	if b == nil {
		return 0
	}
	n := binary.BigEndian.Uint64(b)
	if n > uint64(len(f.data)) {
		f.err = errTruncated
		return 0
	}
	return int(n)
}

// javaCert reads one certificate of a Java keystore: its type name
// (version 2 only) and DER, which it returns.
func (f *frame) javaCert(version uint32) []byte {
	if version == 2 {
		f.skip(int(f.uint16()))
	}
	return f.take(int(f.uint32()))
}
