package gogen

// MaxTypeValueDepth is maxTypeValueDepth, for TestRuntimeLimits.
const MaxTypeValueDepth = maxTypeValueDepth
