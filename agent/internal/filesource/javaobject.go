package filesource

import (
	"errors"
	"fmt"
)

// A JCEKS secret-key entry is a Java-serialized SealedObject with no length
// before it, so the only way to find the next entry is to walk the object
// stream to its end. skipJavaObject does that and nothing more: it decodes
// no value, keeps only what later back-references need (class descriptors),
// and refuses the stream features a sealed key never uses.

// Object stream constants (Java Object Serialization Specification, 6.4.2).
const (
	javaStreamMagic   = 0xACED
	javaStreamVersion = 5

	tcNull           = 0x70
	tcReference      = 0x71
	tcClassDesc      = 0x72
	tcObject         = 0x73
	tcString         = 0x74
	tcArray          = 0x75
	tcClass          = 0x76
	tcBlockData      = 0x77
	tcEndBlockData   = 0x78
	tcBlockDataLong  = 0x7A
	tcLongString     = 0x7C
	tcEnum           = 0x7E
	javaBaseHandle   = 0x7E0000
	scWriteMethod    = 0x01
	scSerializable   = 0x02
	scExternalizable = 0x04
)

// Bounds on a hostile stream: a sealed key nests three levels and holds a
// dozen handles.
const (
	maxJavaDepth   = 16
	maxJavaHandles = 1024
)

// javaClass is what a back-reference to a class descriptor needs.
type javaClass struct {
	name   string
	flags  byte
	fields []byte // type code of each serialized field, in stream order
	super  *javaClass
}

type javaStream struct {
	f       *frame
	handles []*javaClass // nil for handles that are not class descriptors
	depth   int
}

// skipJavaObject moves f past one serialized object stream holding one
// object.
func skipJavaObject(f *frame) error {
	if f.uint16() != javaStreamMagic || f.uint16() != javaStreamVersion {
		if f.err != nil {
			return f.err
		}
		return errors.New("not a Java object stream")
	}
	s := &javaStream{f: f}
	return s.content()
}

// content skips one element of the stream.
func (s *javaStream) content() error {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxJavaDepth {
		return errors.New("Java object nested too deeply")
	}
	f := s.f
	switch tc := f.uint8(); tc {
	case tcNull:
	case tcReference:
		if _, err := s.ref(); err != nil {
			return err
		}
	case tcString:
		f.skip(int(f.uint16()))
		return s.newHandle(nil)
	case tcLongString:
		f.skip(f.length64())
		return s.newHandle(nil)
	case tcClassDesc:
		_, err := s.classDescBody()
		return err
	case tcClass:
		if _, err := s.classDesc(); err != nil {
			return err
		}
		return s.newHandle(nil)
	case tcEnum:
		if _, err := s.classDesc(); err != nil {
			return err
		}
		if err := s.newHandle(nil); err != nil {
			return err
		}
		return s.content() // the constant's name
	case tcArray:
		return s.array()
	case tcObject:
		return s.object()
	case tcBlockData:
		f.skip(int(f.uint8()))
	case tcBlockDataLong:
		f.skip(int(f.uint32()))
	default:
		if f.err == nil {
			return fmt.Errorf("unexpected Java stream element 0x%02x", tc)
		}
	}
	return f.err
}

func (s *javaStream) newHandle(c *javaClass) error {
	if len(s.handles) >= maxJavaHandles {
		return errors.New("too many objects in the Java stream")
	}
	s.handles = append(s.handles, c)
	return s.f.err
}

// ref reads a handle and returns the class descriptor it names, if any.
func (s *javaStream) ref() (*javaClass, error) {
	h := int64(s.f.uint32()) - javaBaseHandle
	if s.f.err != nil {
		return nil, s.f.err
	}
	if h < 0 || h >= int64(len(s.handles)) {
		return nil, errors.New("Java stream refers to an unknown object")
	}
	return s.handles[h], nil
}

// classDesc reads a class descriptor: new, a reference or null.
func (s *javaStream) classDesc() (*javaClass, error) {
	switch tc := s.f.uint8(); tc {
	case tcNull:
		return nil, s.f.err
	case tcClassDesc:
		return s.classDescBody()
	case tcReference:
		c, err := s.ref()
		if err == nil && c == nil {
			err = errors.New("Java stream refers to a class that is not one")
		}
		return c, err
	default:
		if s.f.err != nil {
			return nil, s.f.err
		}
		return nil, fmt.Errorf("unexpected Java class descriptor 0x%02x", tc)
	}
}

func (s *javaStream) classDescBody() (*javaClass, error) {
	f := s.f
	c := &javaClass{name: string(f.take(int(f.uint16())))}
	f.skip(8) // serialVersionUID
	if err := s.newHandle(c); err != nil {
		return nil, err
	}
	c.flags = f.uint8()
	if c.flags&scExternalizable != 0 {
		return nil, fmt.Errorf("Java class %q is externalizable", c.name)
	}
	n := int(f.uint16())
	if n*3 > len(f.data) { // a field takes at least three bytes
		return nil, errTruncated
	}
	c.fields = make([]byte, 0, n)
	for range n {
		code := f.uint8()
		f.skip(int(f.uint16())) // field name
		if code == '[' || code == 'L' {
			if err := s.content(); err != nil { // the field's class name
				return nil, err
			}
		} else if javaPrimitiveSize(code) == 0 {
			if f.err != nil {
				return nil, f.err
			}
			return nil, fmt.Errorf("Java field of unknown type %q", code)
		}
		c.fields = append(c.fields, code)
	}
	if err := s.annotation(); err != nil {
		return nil, err
	}
	super, err := s.classDesc()
	c.super = super
	return c, err
}

// annotation skips elements up to the end-of-block marker.
func (s *javaStream) annotation() error {
	for s.f.err == nil {
		if len(s.f.data) > 0 && s.f.data[0] == tcEndBlockData {
			s.f.skip(1)
			return nil
		}
		if err := s.content(); err != nil {
			return err
		}
	}
	return s.f.err
}

func (s *javaStream) object() error {
	c, err := s.classDesc()
	if err != nil {
		return err
	}
	if err := s.newHandle(nil); err != nil {
		return err
	}
	// Field values come class by class, the topmost superclass first.
	var chain []*javaClass
	for k := c; k != nil; k = k.super {
		if len(chain) == maxJavaDepth {
			return errors.New("Java class hierarchy too deep")
		}
		chain = append(chain, k)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		k := chain[i]
		if k.flags&scSerializable == 0 {
			continue
		}
		for _, code := range k.fields {
			if err := s.value(code); err != nil {
				return err
			}
		}
		if k.flags&scWriteMethod != 0 {
			if err := s.annotation(); err != nil {
				return err
			}
		}
	}
	return s.f.err
}

func (s *javaStream) array() error {
	c, err := s.classDesc()
	if err != nil {
		return err
	}
	if c == nil || len(c.name) < 2 || c.name[0] != '[' {
		return errors.New("Java array of a class that is not an array")
	}
	if err := s.newHandle(nil); err != nil {
		return err
	}
	n := int(s.f.uint32())
	if size := javaPrimitiveSize(c.name[1]); size > 0 {
		s.f.skip(n * size)
		return s.f.err
	}
	if n > len(s.f.data) { // an element takes at least a byte
		return errTruncated
	}
	for range n {
		if err := s.content(); err != nil {
			return err
		}
	}
	return s.f.err
}

// value skips one field value of the given type code.
func (s *javaStream) value(code byte) error {
	if size := javaPrimitiveSize(code); size > 0 {
		s.f.skip(size)
		return s.f.err
	}
	return s.content()
}

// javaPrimitiveSize is the size of a primitive type code, 0 for objects
// and unknown codes.
func javaPrimitiveSize(code byte) int {
	switch code {
	case 'B', 'Z':
		return 1
	case 'C', 'S':
		return 2
	case 'I', 'F':
		return 4
	case 'J', 'D':
		return 8
	}
	return 0
}
