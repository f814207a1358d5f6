;; Row-by-query dot products for exact cosine search (rows pre-normalised).
;; Built into dot-rows-wasm.ts by build-kernel.ts; do not edit the generated file.
;;
;; dotRows(mat, query, out, dim, rowStart, rowEnd):
;;   for r in [rowStart, rowEnd): out[r - rowStart] = sum_j mat[r * dim + j] * query[j]
;; mat, query, out are byte offsets into the imported memory; mat and query
;; float32 [rows, dim] and [dim], out float32 [rowEnd - rowStart].
;; The memory is shared so that worker threads can score disjoint row ranges
;; of one matrix without copying it.
;;
;; Main loop: 16 floats per step in four independent f32x4 accumulators (hides
;; the add latency); a scalar loop handles dim % 16. Summation order differs
;; from a sequential loop, so results match a float64 reference to ~1e-6.
;;
;; dotRowsI8(mat, query, out, dim, rowStart, rowEnd): the same over int8 rows
;; and an int8 query with exact int32 sums (|sum| <= dim * 127 * 127 < 2^31 for
;; dim < 133000): out is int32 [rowEnd - rowStart]. A quarter of the float32
;; bytes to stream; used as a bounded prefilter before exact float32 scores.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "dotRows")
    (param $mat i32) (param $query i32) (param $out i32) (param $dim i32) (param $rowStart i32) (param $rowEnd i32)
    (local $row i32) (local $p i32) (local $q i32) (local $end16 i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $row (local.get $rowStart))
    (local.set $p (i32.add (local.get $mat) (i32.mul (i32.mul (local.get $rowStart) (local.get $dim)) (i32.const 4))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $rowEnd)))
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0))
        (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $q (local.get $query))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $dim) (i32.const 4))))
        (local.set $end16 (i32.add (local.get $p) (i32.mul (i32.and (local.get $dim) (i32.const -16)) (i32.const 4))))
        (block $v_done
          (loop $v
            (br_if $v_done (i32.ge_u (local.get $p) (local.get $end16)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $p)) (v128.load offset=0 (local.get $q)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $q)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (local.set $q (i32.add (local.get $q) (i32.const 64)))
            (br $v)))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (block $t_done
          (loop $t
            (br_if $t_done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $t)))
        (f32.store (local.get $out) (local.get $s))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  (func (export "dotRowsI8")
    (param $mat i32) (param $query i32) (param $out i32) (param $dim i32) (param $rowStart i32) (param $rowEnd i32)
    (local $row i32) (local $p i32) (local $q i32) (local $end32 i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $x v128) (local $y v128) (local $s i32)
    (local.set $row (local.get $rowStart))
    (local.set $p (i32.add (local.get $mat) (i32.mul (local.get $rowStart) (local.get $dim))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $rowEnd)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $query))
        (local.set $end (i32.add (local.get $p) (local.get $dim)))
        (local.set $end32 (i32.add (local.get $p) (i32.and (local.get $dim) (i32.const -32))))
        (block $v_done
          (loop $v
            (br_if $v_done (i32.ge_u (local.get $p) (local.get $end32)))
            (local.set $x (v128.load offset=0 (local.get $p)))
            (local.set $y (v128.load offset=0 (local.get $q)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (i16x8.extend_low_i8x16_s (local.get $y)))))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (i16x8.extend_high_i8x16_s (local.get $y)))))
            (local.set $x (v128.load offset=16 (local.get $p)))
            (local.set $y (v128.load offset=16 (local.get $q)))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (i16x8.extend_low_i8x16_s (local.get $y)))))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (i16x8.extend_high_i8x16_s (local.get $y)))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (br $v)))
        (local.set $a0 (i32x4.add (i32x4.add (local.get $a0) (local.get $a1)) (i32x4.add (local.get $a2) (local.get $a3))))
        (local.set $s (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
          (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))
        (block $t_done
          (loop $t
            (br_if $t_done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (i32.add (local.get $s) (i32.mul (i32.load8_s (local.get $p)) (i32.load8_s (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $t)))
        (i32.store (local.get $out) (local.get $s))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))
)
