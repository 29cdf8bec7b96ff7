package h5

import (
	"fmt"
)

// Kind is the element type of a dataset or attribute.
type Kind int

const (
	Float32 Kind = iota + 1
	Float64
	Int64
	String // variable-length UTF-8
)

func (k Kind) String() string {
	switch k {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Int64:
		return "int64"
	case String:
		return "string"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Value is an N-dimensional array (rank 0 = scalar) in row-major order.
// Exactly the slice of its Kind is set; the reader widens other integer
// and float types of a file to Int64 and Float64.
type Value struct {
	Kind  Kind
	Shape []int // nil for a scalar
	F32   []float32
	F64   []float64
	I64   []int64
	Str   []string
}

// Len is the number of elements the shape holds (1 for a scalar).
func (v Value) Len() int {
	n := 1
	for _, d := range v.Shape {
		n *= d
	}
	return n
}

func (v Value) dataLen() int {
	switch v.Kind {
	case Float32:
		return len(v.F32)
	case Float64:
		return len(v.F64)
	case Int64:
		return len(v.I64)
	case String:
		return len(v.Str)
	}
	return -1
}

// Floats returns the elements as float64 (numbers only).
func (v Value) Floats() ([]float64, bool) {
	switch v.Kind {
	case Float64:
		return v.F64, true
	case Float32:
		out := make([]float64, len(v.F32))
		for i, x := range v.F32 {
			out[i] = float64(x)
		}
		return out, true
	case Int64:
		out := make([]float64, len(v.I64))
		for i, x := range v.I64 {
			out[i] = float64(x)
		}
		return out, true
	}
	return nil, false
}

// Scalar string, float and integer values.
func Str(s string) Value                 { return Value{Kind: String, Str: []string{s}} }
func F64(x float64) Value                { return Value{Kind: Float64, F64: []float64{x}} }
func I64(x int64) Value                  { return Value{Kind: Int64, I64: []int64{x}} }
func Strs(shape []int, s []string) Value { return Value{Kind: String, Shape: shape, Str: s} }

// Arrays of the given shape.
func F32s(shape []int, x []float32) Value { return Value{Kind: Float32, Shape: shape, F32: x} }
func F64s(shape []int, x []float64) Value { return Value{Kind: Float64, Shape: shape, F64: x} }
func I64s(shape []int, x []int64) Value   { return Value{Kind: Int64, Shape: shape, I64: x} }
