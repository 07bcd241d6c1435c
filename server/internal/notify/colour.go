package notify

// Colours of an event in chat services that show one beside a message, as 0xRRGGBB: a
// resolution is green whatever it resolves, a problem is coloured by its severity.
const (
	ColourResolved uint32 = 0x2E7D32
	ColourCritical uint32 = 0xD32F2F
	ColourWarning  uint32 = 0xF9A825
	ColourInfo     uint32 = 0x1976D2
)

// Colour is the colour chat services show beside an event.
func Colour(e Event) uint32 {
	if e.Type == TypeResolved {
		return ColourResolved
	}
	switch SeverityOf(e) {
	case SeverityCritical:
		return ColourCritical
	case SeverityWarning:
		return ColourWarning
	}
	return ColourInfo
}
