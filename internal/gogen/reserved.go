package gogen

import "github.com/genlgen/genlgen/spec"

// reserved are the identifiers the templates declare in every generated
// package, on every Client and on every attribute set's struct; the
// model gives spec names that would take one a suffix.
// TestReservedNames checks the lists against what the templates write.
var reserved = spec.GoReserved{
	Types: []string{
		"Client", "Dial", "Notification", "Notifications", "UnknownNotification",
		"FamilyName", "FamilyVersion",
	},
	Methods: []string{"Close", "Conn", "Subscribe"},
	Fields:  []string{"Unknown", "Encode", "Decode", "MarshalJSON", "UnmarshalJSON"},
}

func init() { spec.GoReservedNames = reserved }
