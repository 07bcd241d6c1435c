package filesource

import (
	"bytes"
	"strings"
	"testing"
)

// Streams a sealed key never looks like must be refused with a reason,
// whatever they claim, and a sound one must end exactly where it ends.
func TestSkipJavaObject(t *testing.T) {
	deep := []byte{0xAC, 0xED, 0, 5}
	for range maxJavaDepth + 1 {
		deep = append(deep, tcObject, tcClassDesc, 0, 1, 'X', 0, 0, 0, 0, 0, 0, 0, 0, scSerializable, 0, 1, 'L', 0, 1, 'f', tcNull, tcEndBlockData, tcNull)
	}
	var many javaStreamWriter
	many.u8(0xAC, 0xED, 0, 5, tcArray)
	many.classDesc("[Ljava/lang/Object;", scSerializable, func() { many.Write([]byte{0, 0}) })
	many.u32(maxJavaHandles)
	for range maxJavaHandles {
		many.u8(tcString)
		many.utf("s")
	}
	var ofString javaStreamWriter // an array holding a string, then an object whose class is that string
	ofString.u8(0xAC, 0xED, 0, 5, tcArray)
	ofString.classDesc("[Ljava/lang/Object;", scSerializable, func() { ofString.Write([]byte{0, 0}) })
	ofString.u32(2)
	ofString.u8(tcString)
	ofString.utf("x")
	ofString.u8(tcObject, tcReference)
	ofString.u32(javaBaseHandle + 2)
	for _, c := range []struct {
		name, errHas string
		stream       []byte
	}{
		{"not a stream", "not a Java object stream", []byte{0xAC, 0xED, 0, 4, tcNull}},
		{"unknown element", "unexpected Java stream element 0x7b", []byte{0xAC, 0xED, 0, 5, 0x7B}},
		{"unknown handle", "unknown object", []byte{0xAC, 0xED, 0, 5, tcReference, 0, 0x7E, 0, 0}},
		{"object of a string", "not one", ofString.Bytes()},
		{"externalizable", "externalizable", []byte{0xAC, 0xED, 0, 5, tcObject, tcClassDesc, 0, 1, 'E', 0, 0, 0, 0, 0, 0, 0, 0, scExternalizable}},
		{"array of a plain class", "not an array", []byte{0xAC, 0xED, 0, 5, tcArray, tcClassDesc, 0, 1, 'X', 0, 0, 0, 0, 0, 0, 0, 0, scSerializable, 0, 0, tcEndBlockData, tcNull, 0, 0, 0, 0}},
		{"huge array", "truncated", []byte{0xAC, 0xED, 0, 5, tcArray, tcClassDesc, 0, 2, '[', 'J', 0, 0, 0, 0, 0, 0, 0, 0, scSerializable, 0, 0, tcEndBlockData, tcNull, 0x7F, 0xFF, 0xFF, 0xFF}},
		{"huge field count", "truncated", []byte{0xAC, 0xED, 0, 5, tcObject, tcClassDesc, 0, 1, 'X', 0, 0, 0, 0, 0, 0, 0, 0, scSerializable, 0xFF, 0xFF}},
		{"unknown field type", "unknown type", []byte{0xAC, 0xED, 0, 5, tcObject, tcClassDesc, 0, 1, 'X', 0, 0, 0, 0, 0, 0, 0, 0, scSerializable, 0, 1, 'Q', 0, 1, 'f'}},
		{"huge long string", "truncated", []byte{0xAC, 0xED, 0, 5, tcLongString, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"nested too deeply", "nested too deeply", deep},
		{"too many handles", "too many objects", many.Bytes()},
	} {
		f := &frame{data: c.stream}
		if err := skipJavaObject(f); err == nil || !strings.Contains(err.Error(), c.errHas) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.errHas)
		}
	}
	for _, s := range [][]byte{sealedKeyStream(), nestedStream()} {
		f := &frame{data: append(bytes.Clone(s), 0xEE)}
		if err := skipJavaObject(f); err != nil || len(f.data) != 1 {
			t.Errorf("sound stream: %v, %d bytes left, want 1", err, len(f.data))
		}
	}
}
