// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): the classic diff of
// xdiff/xdiffi.c, Myers' O(ND) algorithm with xdiff's heuristics (`xdl_do_diff` without an
// algorithm flag, `xdl_recs_cmp`, `xdl_split`), as histogram diff falls back to it.

/// `XDL_MAX_COST_MIN`: the least edit cost before the search gives up on a minimal split.
private let maxCostMinimum = 256
/// `XDL_HEUR_MIN_COST`: the edit cost above which the snake heuristic may cut the search.
private let heuristicMinimumCost = 256
/// `XDL_SNAKE_CNT`: how long a diagonal must be to count as a good snake.
private let snakeCount = 20
/// `XDL_K_HEUR`.
private let heuristicFactor = 4
/// `XDL_LINE_MAX`.
private let lineMax = Int.max

/// xdiff's classic diff: marks the changed lines of a prepared environment.
enum ClassicDiff {
    /// `xdl_do_diff` for the classic algorithm on an environment `DiffEnvironment.init`
    /// prepared: the full preparation (`xdl_optimize_ctxs`), then `xdl_recs_cmp` over the
    /// lines left, without `XDF_NEED_MINIMAL` (git's merge does not set it).
    static func diff(_ env: inout DiffEnvironment) {
        let (reduced1, reduced2) = env.optimizeForClassicDiff()
        let ndiags = reduced1.count + reduced2.count + 3
        var kvd = [Int](repeating: 0, count: 2 * ndiags + 2)
        var search = Search(maxCost: max(xdlBogoSqrt(ndiags), maxCostMinimum))
        reduced1.classes.withUnsafeBufferPointer { ha1 in
            reduced2.classes.withUnsafeBufferPointer { ha2 in
                kvd.withUnsafeMutableBufferPointer { kvd in
                    search.kvdf = kvd.baseAddress! + reduced2.count + 1
                    search.kvdb = kvd.baseAddress! + ndiags + reduced2.count + 1
                    search.ha1 = ha1.baseAddress
                    search.ha2 = ha2.baseAddress
                    search.compare(&env, reduced1, reduced2)
                }
            }
        }
    }

    /// `xdpsplit_t`: where to cut a box, and whether each half must be diffed minimally.
    private struct Split {
        var i1 = 0, i2 = 0
        var minimalLow = false, minimalHigh = false
    }

    /// The state of one classic diff: the kept lines' classes and the K vectors.
    private struct Search {
        let maxCost: Int
        var ha1: UnsafePointer<Int>?
        var ha2: UnsafePointer<Int>?
        var kvdf: UnsafeMutablePointer<Int>!
        var kvdb: UnsafeMutablePointer<Int>!

        init(maxCost: Int) { self.maxCost = maxCost }

        /// `xdl_recs_cmp` over the whole of both files, with its recursion on a stack
        /// (left box before right box, as the recursion goes).
        func compare(_ env: inout DiffEnvironment, _ reduced1: ReducedFile, _ reduced2: ReducedFile) {
            var boxes: [(off1: Int, lim1: Int, off2: Int, lim2: Int, minimal: Bool)] = [(0, reduced1.count, 0, reduced2.count, false)]
            while var box = boxes.popLast() {
                // Shrink the box by walking through each diagonal snake (SW and NE).
                while box.off1 < box.lim1 && box.off2 < box.lim2 && ha1![box.off1] == ha2![box.off2] {
                    box.off1 += 1
                    box.off2 += 1
                }
                while box.off1 < box.lim1 && box.off2 < box.lim2 && ha1![box.lim1 - 1] == ha2![box.lim2 - 1] {
                    box.lim1 -= 1
                    box.lim2 -= 1
                }
                // If one dimension is empty, every record of the other one changed.
                if box.off1 == box.lim1 {
                    for k in box.off2..<box.lim2 { env.file2.mark(reduced2.indices[k]) }
                } else if box.off2 == box.lim2 {
                    for k in box.off1..<box.lim1 { env.file1.mark(reduced1.indices[k]) }
                } else {
                    let split = self.split(box.off1, box.lim1, box.off2, box.lim2, needMinimal: box.minimal)
                    boxes.append((split.i1, box.lim1, split.i2, box.lim2, split.minimalHigh))
                    boxes.append((box.off1, split.i1, box.off2, split.i2, split.minimalLow))
                }
            }
        }

        /// `xdl_split`: scans the forward diagonals from (off1, off2) and the backward ones
        /// from (lim1, lim2) until they meet, or until a heuristic settles for a suboptimal
        /// point.
        private func split(_ off1: Int, _ lim1: Int, _ off2: Int, _ lim2: Int, needMinimal: Bool) -> Split {
            let ha1 = self.ha1!, ha2 = self.ha2!
            let kvdf = self.kvdf!, kvdb = self.kvdb!
            let dmin = off1 - lim2, dmax = lim1 - off2
            let fmid = off1 - off2, bmid = lim1 - lim2
            let odd = (fmid - bmid) & 1 != 0
            var fmin = fmid, fmax = fmid
            var bmin = bmid, bmax = bmid
            var spl = Split()

            kvdf[fmid] = off1
            kvdb[bmid] = lim1

            var ec = 1
            while true {
                var gotSnake = false

                // Extend the forward domain by one diagonal each way (or shrink it at the
                // box's edge), with -1 just outside.
                if fmin > dmin {
                    fmin -= 1
                    kvdf[fmin - 1] = -1
                } else {
                    fmin += 1
                }
                if fmax < dmax {
                    fmax += 1
                    kvdf[fmax + 1] = -1
                } else {
                    fmax -= 1
                }

                var d = fmax
                while d >= fmin {
                    var i1 = kvdf[d - 1] >= kvdf[d + 1] ? kvdf[d - 1] + 1 : kvdf[d + 1]
                    let prev1 = i1
                    var i2 = i1 - d
                    while i1 < lim1 && i2 < lim2 && ha1[i1] == ha2[i2] {
                        i1 += 1
                        i2 += 1
                    }
                    if i1 - prev1 > snakeCount { gotSnake = true }
                    kvdf[d] = i1
                    if odd && bmin <= d && d <= bmax && kvdb[d] <= i1 {
                        spl.i1 = i1
                        spl.i2 = i2
                        spl.minimalLow = true
                        spl.minimalHigh = true
                        return spl
                    }
                    d -= 2
                }

                // The same for the backward domain, with XDL_LINE_MAX just outside.
                if bmin > dmin {
                    bmin -= 1
                    kvdb[bmin - 1] = lineMax
                } else {
                    bmin += 1
                }
                if bmax < dmax {
                    bmax += 1
                    kvdb[bmax + 1] = lineMax
                } else {
                    bmax -= 1
                }

                d = bmax
                while d >= bmin {
                    var i1 = kvdb[d - 1] < kvdb[d + 1] ? kvdb[d - 1] : kvdb[d + 1] - 1
                    let prev1 = i1
                    var i2 = i1 - d
                    while i1 > off1 && i2 > off2 && ha1[i1 - 1] == ha2[i2 - 1] {
                        i1 -= 1
                        i2 -= 1
                    }
                    if prev1 - i1 > snakeCount { gotSnake = true }
                    kvdb[d] = i1
                    if !odd && fmin <= d && d <= fmax && i1 <= kvdf[d] {
                        spl.i1 = i1
                        spl.i2 = i2
                        spl.minimalLow = true
                        spl.minimalHigh = true
                        return spl
                    }
                    d -= 2
                }

                if needMinimal {
                    ec += 1
                    continue
                }

                // Past the heuristic's trigger and with a good snake, take a diagonal that
                // went far enough (distance from the corner less the distance from the
                // middle diagonal, above XDL_K_HEUR times the cost).
                if gotSnake && ec > heuristicMinimumCost {
                    var best = 0
                    d = fmax
                    while d >= fmin {
                        let dd = d > fmid ? d - fmid : fmid - d
                        let i1 = kvdf[d]
                        let i2 = i1 - d
                        let v = (i1 - off1) + (i2 - off2) - dd
                        if v > heuristicFactor * ec && v > best &&
                            off1 + snakeCount <= i1 && i1 < lim1 &&
                            off2 + snakeCount <= i2 && i2 < lim2 {
                            var k = 1
                            while ha1[i1 - k] == ha2[i2 - k] {
                                if k == snakeCount {
                                    best = v
                                    spl.i1 = i1
                                    spl.i2 = i2
                                    break
                                }
                                k += 1
                            }
                        }
                        d -= 2
                    }
                    if best > 0 {
                        spl.minimalLow = true
                        spl.minimalHigh = false
                        return spl
                    }

                    best = 0
                    d = bmax
                    while d >= bmin {
                        let dd = d > bmid ? d - bmid : bmid - d
                        let i1 = kvdb[d]
                        let i2 = i1 - d
                        let v = (lim1 - i1) + (lim2 - i2) - dd
                        if v > heuristicFactor * ec && v > best &&
                            off1 < i1 && i1 <= lim1 - snakeCount &&
                            off2 < i2 && i2 <= lim2 - snakeCount {
                            var k = 0
                            while ha1[i1 + k] == ha2[i2 + k] {
                                if k == snakeCount - 1 {
                                    best = v
                                    spl.i1 = i1
                                    spl.i2 = i2
                                    break
                                }
                                k += 1
                            }
                        }
                        d -= 2
                    }
                    if best > 0 {
                        spl.minimalLow = false
                        spl.minimalHigh = true
                        return spl
                    }
                }

                // Enough is enough: take the furthest reaching path by the (i1 + i2) measure.
                if ec >= maxCost {
                    var fbest = -1, fbest1 = -1
                    d = fmax
                    while d >= fmin {
                        var i1 = min(kvdf[d], lim1)
                        var i2 = i1 - d
                        if lim2 < i2 {
                            i1 = lim2 + d
                            i2 = lim2
                        }
                        if fbest < i1 + i2 {
                            fbest = i1 + i2
                            fbest1 = i1
                        }
                        d -= 2
                    }

                    var bbest = lineMax, bbest1 = lineMax
                    d = bmax
                    while d >= bmin {
                        var i1 = max(off1, kvdb[d])
                        var i2 = i1 - d
                        if i2 < off2 {
                            i1 = off2 + d
                            i2 = off2
                        }
                        if i1 + i2 < bbest {
                            bbest = i1 + i2
                            bbest1 = i1
                        }
                        d -= 2
                    }

                    if (lim1 + lim2) - bbest < fbest - (off1 + off2) {
                        spl.i1 = fbest1
                        spl.i2 = fbest - fbest1
                        spl.minimalLow = true
                        spl.minimalHigh = false
                    } else {
                        spl.i1 = bbest1
                        spl.i2 = bbest - bbest1
                        spl.minimalLow = false
                        spl.minimalHigh = true
                    }
                    return spl
                }
                ec += 1
            }
        }
    }
}
