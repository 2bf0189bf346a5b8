//! Charts drawn with plotters, generic over any drawing backend.
