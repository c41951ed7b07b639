package gogen

// MaxTypeValueDepth is maxTypeValueDepth, for TestRuntimeLimits.
const MaxTypeValueDepth = maxTypeValueDepth

// CountSent is countSent, for TestCorpusRequestsLoseNothing: the
// generator gives an op a request table only when it sends fewer.
var CountSent = countSent
