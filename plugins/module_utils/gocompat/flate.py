"""Go's ``compress/flate`` writer at ``DefaultCompression`` and ``compress/gzip``'s framing, byte for byte.

Helm writes chart archives with ``gzip.NewWriter`` (level -1, which compress/flate maps to level 6). zlib's level 6
makes different (equally valid) DEFLATE bytes, so an archive's digest would not match the one ``helm package`` gives.
This module produces exactly Go's bytes. It follows the behaviour of Go's src/compress/flate (deflate.go,
huffman_bit_writer.go, huffman_code.go, token.go) and src/compress/gzip/gzip.go, written anew in Python:

- LZ77 (deflate.go ``compressor.deflate``): a 2*32 KiB window slid by 32 KiB when the next position reaches
  ``2*windowSize - 262`` at a ``Write``; a 17-bit multiplicative hash of 4 bytes (``hash4``) with hash chains over the
  last 32 KiB; level 6's parameters lazy=16, nice=128, chain=128 (``good`` never applies: Go always starts the
  search at length 3); matches of length 4 only within 4096 bytes; lazy matching (a match is kept when the next
  position finds none longer).
- Blocks (``writeBlock``): a block ends after 16384 tokens or at ``Close``; each is written as the smallest of
  stored (only when its bytes are still in the window and at most 65535), fixed Huffman and dynamic Huffman, all
  non-final. ``Close`` ends the stream with an empty final stored block.
- Huffman codes (huffman_code.go): lengths limited to 15 bits (7 for the code-length code) by package-merge with
  Go's tie rules, canonical codes; the code-length run-length encoding of RFC 1951 3.2.7 as Go emits it.

Go's output depends on how the input arrives (where the window slides), so the compressor takes the sequence of
``Write`` calls, not only their concatenation. Pure Python: about 1 MB/s (see ``docs/``); zlib stays the tool
wherever byte identity with Go is not needed.
"""
from __future__ import annotations

import array
import struct
import sys
import zlib

__all__ = ["deflate", "gzip_header", "gzip_member", "gzip_trailer", "huffman_lengths"]

WINDOW = 1 << 15                 # windowSize
_MASK = WINDOW - 1
_MIN_MATCH = 4                   # minMatchLength: the compressor never emits length 3
_MAX_MATCH = 258                 # maxMatchLength
_LOOKAHEAD = _MIN_MATCH + _MAX_MATCH
_MAX_TOKENS = 1 << 14            # maxFlateBlockTokens
_MAX_STORE = 65535               # maxStoreBlockSize
_HASH_MUL = 0x1E35A7BD           # hashmul
_HASH_SHIFT = 32 - 17            # hashBits = 17
_LAZY, _NICE, _CHAIN = 16, 128, 128   # levels[6]: good 8 (unused, see module docstring), lazy, nice, chain
_FAR_MATCH4 = 4096               # a 4-byte match farther than this is not worth it

_MATCH = 1 << 30                 # token.go matchType; a match token is _MATCH | (length-3) << 22 | (offset-1)
_END_BLOCK = 256

_LENGTH_BASE = (0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160,
                192, 224, 255)
_LENGTH_EXTRA = (0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0)
_OFFSET_BASE = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
                3072, 4096, 6144, 8192, 12288, 16384, 24576)
_OFFSET_EXTRA = (0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13)
_CODEGEN_ORDER = (16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15)
_NUM_LITERALS = 286              # maxNumLit
_NUM_OFFSETS = 30                # offsetCodeCount


def _code_table(bases, size):
    """For every value below ``size``, the index of the last base not above it (token.go lengthCodes/offsetCode)."""
    table = []
    code = 0
    for value in range(size):
        while code + 1 < len(bases) and bases[code + 1] <= value:
            code += 1
        table.append(code)
    return table


_LENGTH_CODE = _code_table(_LENGTH_BASE, 256)
_OFFSET_CODE = _code_table(_OFFSET_BASE, WINDOW)


# ---- Huffman codes (huffman_code.go) ------------------------------------------------------------------------------

def _leaf_counts(freqs, max_bits):
    """Package-merge (huffman_code.go ``bitCounts``, which builds the same lists lazily): ``counts[d]`` = how many of
    the ``freqs`` (ascending) get a code of exactly ``d`` bits, for codes limited to ``max_bits``.

    Level 1 (deepest) holds the leaves; each higher level merges the leaves with pairs of consecutive items of the
    level below, a pair going first when its weight equals a leaf's (Go takes a leaf only when strictly lighter).
    The top level keeps its first 2n-2 items; following the pairs down gives how many leaves each level uses."""
    n = len(freqs)
    max_bits = min(max_bits, n - 1)
    levels = []      # per level: list of (weight, is_leaf)
    below = []
    for _level in range(max_bits):
        pairs = [below[k][0] + below[k + 1][0] for k in range(0, len(below) - 1, 2)]
        merged = []
        li = pi = 0
        while li < n or pi < len(pairs):
            if pi >= len(pairs) or (li < n and freqs[li] < pairs[pi]):
                merged.append((freqs[li], True))
                li += 1
            else:
                merged.append((pairs[pi], False))
                pi += 1
        levels.append(merged)
        below = merged
    need = 2 * n - 2
    used = []        # leaves used per level, top first
    for merged in reversed(levels):
        taken = merged[:need]
        leaves = sum(1 for _w, leaf in taken if leaf)
        used.append(leaves)
        need = 2 * (len(taken) - leaves)
    used.append(0)
    counts = [0] * (max_bits + 1)
    for depth in range(1, max_bits + 1):
        counts[depth] = used[depth - 1] - used[depth]
    return counts


def huffman_lengths(freqs, max_bits):
    """Code lengths (0 for unused symbols) Go's ``huffmanEncoder.generate`` gives for the frequency list ``freqs``
    with codes of at most ``max_bits`` bits: one or two used symbols get 1 bit each; otherwise the symbols sorted
    by (frequency, symbol) take the lengths of package-merge, the most frequent the shortest."""
    lengths = [0] * len(freqs)
    used = sorted((f, sym) for sym, f in enumerate(freqs) if f)
    if len(used) <= 2:
        for _f, sym in used:
            lengths[sym] = 1
        return lengths
    counts = _leaf_counts([f for f, _sym in used], max_bits)
    end = len(used)
    for depth in range(1, len(counts)):
        for _f, sym in used[end - counts[depth]:end]:
            lengths[sym] = depth
        end -= counts[depth]
    return lengths


def _canonical_codes(lengths):
    """RFC 1951 3.2.2 canonical codes for ``lengths``, bit-reversed for LSB-first writing (Go ``reverseBits``)."""
    max_len = max(lengths) if lengths else 0
    count = [0] * (max_len + 2)
    for n in lengths:
        if n:
            count[n] += 1
    next_code = [0] * (max_len + 2)
    code = 0
    for bits in range(1, max_len + 1):
        code = (code + count[bits - 1]) << 1
        next_code[bits] = code
    codes = [0] * len(lengths)
    for sym, n in enumerate(lengths):
        if n:
            value = next_code[n]
            next_code[n] += 1
            codes[sym] = int(format(value, "0%db" % n)[::-1], 2)
    return codes


def _fixed_tables():
    """The fixed literal/length code (RFC 1951 3.2.6, computed over all 288 symbols, Go keeps 286) and the fixed
    5-bit offset code."""
    lengths = [8] * 144 + [9] * 112 + [7] * 24 + [8] * 8
    codes = _canonical_codes(lengths)
    offsets = [5] * _NUM_OFFSETS
    return (lengths[:_NUM_LITERALS], codes[:_NUM_LITERALS]), (offsets, _canonical_codes(offsets))


_FIXED_LITERALS, _FIXED_OFFSETS = _fixed_tables()


def _bit_length(freqs, lengths):
    """``huffmanEncoder.bitLength``: bits to write the counted symbols with these code lengths."""
    return sum(f * n for f, n in zip(freqs, lengths))


# ---- the block writer (huffman_bit_writer.go) ---------------------------------------------------------------------

class _BitWriter:
    """LSB-first bit output into a bytearray (Go ``huffmanBitWriter``'s bit accumulator)."""

    def __init__(self):
        self.out = bytearray()
        self.bits = 0
        self.nbits = 0

    def write_bits(self, value, count):
        """Append ``count`` bits of ``value``."""
        self.bits |= value << self.nbits
        self.nbits += count
        if self.nbits >= 64:
            self.out += (self.bits & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
            self.bits >>= 64
            self.nbits -= 64

    def align(self):
        """Pad with zero bits to a byte boundary and move every whole byte out (Go ``flush``)."""
        nbytes = (self.nbits + 7) // 8
        self.out += self.bits.to_bytes(nbytes, "little") if nbytes else b""
        self.bits = self.nbits = 0

    def write_stored_header(self, length, final):
        """A stored block's 3 header bits, padding, LEN and NLEN (``writeStoredHeader``)."""
        self.write_bits(1 if final else 0, 3)
        self.align()
        self.write_bits(length | ((length ^ 0xFFFF) << 16), 32)

    def write_bytes(self, data):
        """Raw bytes after a stored header (the bit count is a whole number of bytes then)."""
        self.align()
        self.out += data


def _codegen(lit_lengths, off_lengths):
    """RFC 1951 3.2.7 run-length encoding of the concatenated code lengths as Go's ``generateCodegen`` writes it:
    ``(symbols, frequencies)`` where symbols is a list of ``(code, extra value)``. Runs of a non-zero length write the
    length once, then repeats of 3..6 with code 16; runs of zeros use code 18 (11..138) then code 17 (3..10); short
    rests are written literally."""
    sizes = list(lit_lengths) + list(off_lengths)
    out = []
    freq = [0] * 19
    i = 0
    while i < len(sizes):
        size = sizes[i]
        run = 1
        while i + run < len(sizes) and sizes[i + run] == size:
            run += 1
        i += run
        if size:
            out.append((size, None))
            freq[size] += 1
            run -= 1
            while run >= 3:
                n = min(6, run)
                out.append((16, n - 3))
                freq[16] += 1
                run -= n
        else:
            while run >= 11:
                n = min(138, run)
                out.append((18, n - 11))
                freq[18] += 1
                run -= n
            if run >= 3:
                out.append((17, run - 3))
                freq[17] += 1
                run = 0
        out.extend([(size, None)] * run)
        freq[size] += run
    return out, freq


def _count_tokens(tokens):
    """``indexTokens``: literal/length and offset frequencies (end-of-block counted), and how many of each table are
    written (trailing unused codes dropped; one offset code counted when the block has no match)."""
    lit = [0] * _NUM_LITERALS
    off = [0] * _NUM_OFFSETS
    length_code, offset_code = _LENGTH_CODE, _OFFSET_CODE
    for t in tokens:
        if t < _MATCH:
            lit[t] += 1
        else:
            lit[257 + length_code[(t >> 22) & 0xFF]] += 1
            off[offset_code[t & 0x3FFFFF]] += 1
    lit[_END_BLOCK] += 1
    num_lit = _NUM_LITERALS
    while lit[num_lit - 1] == 0:
        num_lit -= 1
    num_off = _NUM_OFFSETS
    while num_off > 0 and off[num_off - 1] == 0:
        num_off -= 1
    if num_off == 0:
        off[0] = 1
        num_off = 1
    return lit, off, num_lit, num_off


def _extra_bits(lit, off, num_lit, num_off):
    """Bits taken by the length and offset extra bits (the same for fixed and dynamic codes)."""
    total = 0
    for code in range(257 + 8, num_lit):
        total += lit[code] * _LENGTH_EXTRA[code - 257]
    for code in range(4, num_off):
        total += off[code] * _OFFSET_EXTRA[code]
    return total


def _write_block(writer, tokens, stored_input):
    """Go ``huffmanBitWriter.writeBlock`` (never final): the smallest of fixed Huffman, dynamic Huffman and - when
    ``stored_input`` is the block's bytes, at most 65535 of them - stored. Ties go to fixed, then Huffman."""
    lit, off, num_lit, num_off = _count_tokens(tokens)
    storable = stored_input is not None and len(stored_input) <= _MAX_STORE
    extra = _extra_bits(lit, off, num_lit, num_off) if storable else 0
    lit_lengths = huffman_lengths(lit, 15)
    off_lengths = huffman_lengths(off, 15)
    fixed_size = 3 + _bit_length(lit, _FIXED_LITERALS[0]) + _bit_length(off, _FIXED_OFFSETS[0]) + extra
    codegen, cg_freq = _codegen(lit_lengths[:num_lit], off_lengths[:num_off])
    cg_lengths = huffman_lengths(cg_freq, 7)
    num_cg = 19
    while num_cg > 4 and cg_freq[_CODEGEN_ORDER[num_cg - 1]] == 0:
        num_cg -= 1
    dynamic_size = (3 + 5 + 5 + 4 + 3 * num_cg + _bit_length(cg_freq, cg_lengths) + cg_freq[16] * 2 +
                    cg_freq[17] * 3 + cg_freq[18] * 7 + _bit_length(lit, lit_lengths) + _bit_length(off, off_lengths)
                    + extra)
    size = fixed_size
    if dynamic_size < fixed_size:
        size = dynamic_size
    if storable and (len(stored_input) + 5) * 8 < size:
        writer.write_stored_header(len(stored_input), False)
        writer.write_bytes(stored_input)
        return
    if dynamic_size < fixed_size:
        lit_codes = (lit_lengths, _canonical_codes(lit_lengths))
        off_codes = (off_lengths, _canonical_codes(off_lengths))
        _write_dynamic_header(writer, num_lit, num_off, num_cg, codegen, cg_lengths)
    else:
        lit_codes, off_codes = _FIXED_LITERALS, _FIXED_OFFSETS
        writer.write_bits(2, 3)
    _write_tokens(writer, tokens, lit_codes, off_codes)


def _write_dynamic_header(writer, num_lit, num_off, num_cg, codegen, cg_lengths):
    """``writeDynamicHeader`` (non-final): HLIT, HDIST, HCLEN, the code-length code lengths in RFC order, then the
    run-length encoded code lengths."""
    writer.write_bits(4, 3)
    writer.write_bits(num_lit - 257, 5)
    writer.write_bits(num_off - 1, 5)
    writer.write_bits(num_cg - 4, 4)
    for i in range(num_cg):
        writer.write_bits(cg_lengths[_CODEGEN_ORDER[i]], 3)
    cg_codes = _canonical_codes(cg_lengths)
    extra_width = {16: 2, 17: 3, 18: 7}
    for code, value in codegen:
        writer.write_bits(cg_codes[code], cg_lengths[code])
        if value is not None:
            writer.write_bits(value, extra_width[code])


def _write_tokens(writer, tokens, lit_codes, off_codes):
    """``writeTokens`` plus the end-of-block code. Hot loop: bits gather in a Python int and leave in 64-bit words."""
    lit_len, lit_code = lit_codes
    off_len, off_code = off_codes
    # (code | extra << len, total bits) per match length value 0..255, and per offset code
    length_code, offset_code = _LENGTH_CODE, _OFFSET_CODE
    length_sym = []
    for xlen in range(256):
        c = length_code[xlen]
        sym = 257 + c
        length_sym.append((lit_code[sym] | ((xlen - _LENGTH_BASE[c]) << lit_len[sym]), lit_len[sym] + _LENGTH_EXTRA[c]))
    bits, nbits = writer.bits, writer.nbits
    out = writer.out
    for t in tokens:
        if t < _MATCH:
            bits |= lit_code[t] << nbits
            nbits += lit_len[t]
        else:
            code, n = length_sym[(t >> 22) & 0xFF]
            bits |= code << nbits
            nbits += n
            xoff = t & 0x3FFFFF
            c = offset_code[xoff]
            bits |= (off_code[c] | ((xoff - _OFFSET_BASE[c]) << off_len[c])) << nbits
            nbits += off_len[c] + _OFFSET_EXTRA[c]
        if nbits >= 64:
            out += (bits & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
            bits >>= 64
            nbits -= 64
    writer.bits, writer.nbits = bits, nbits
    writer.write_bits(lit_code[_END_BLOCK], lit_len[_END_BLOCK])


# ---- LZ77 (deflate.go) --------------------------------------------------------------------------------------------

def _hash_run(data, start, count):
    """Go ``hash4`` of the ``count`` positions from ``start`` (a list): the 4 bytes at each position read big-endian,
    times 0x1e35a7bd modulo 2**32, top 17 bits. Positions whose 4 bytes run past the data hash zero padding (they
    are never inserted). Words come from four strided ``array`` views instead of one slice per position."""
    seg = data[start:start + count + 3]
    seg += b"\0" * (count + 3 - len(seg))
    out = [0] * count
    mul, shift = _HASH_MUL, _HASH_SHIFT
    if _WORDS is None:
        for k in range(count):
            out[k] = ((int.from_bytes(seg[k:k + 4], "big") * mul) & 0xFFFFFFFF) >> shift
        return out
    for k in range(4):
        m = (count - k + 3) // 4
        if m <= 0:
            continue
        words = array.array(_WORDS)
        words.frombytes(seg[k:k + 4 * m])
        if sys.byteorder == "little":
            words.byteswap()
        out[k::4] = [((w * mul) & 0xFFFFFFFF) >> shift for w in words]
    return out


_WORDS = next((code for code in ("I", "L") if array.array(code).itemsize == 4), None)


class _Deflater:
    """Go's ``compressor`` at level 6, in absolute stream positions over the whole input.

    Go's window holds ``data[base:window_end]``; its stored hash values are position + 1 (the ``hashOffset`` grows
    with ``base``), so chains are kept here as absolute positions with -1 for "none". ``prev`` and the hashes are
    indexed by position - base over the 2*32 KiB window (Go keys ``hashPrev`` by position mod 32 KiB; a slot is
    only read for positions less than 32 KiB back, where both agree). Only positions inside the window and at most
    32 KiB back are candidates, as in Go."""

    def __init__(self, data):
        self.data = data
        self.base = 0               # absolute position of window[0]
        self.window_end = 0
        self.index = 0
        self.block_start = 0        # None once slid out of the window (Go: math.MaxInt32)
        self.byte_available = False
        self.length = _MIN_MATCH - 1
        self.offset = 0
        self.chain_head = -1
        self.head = [-1] * (1 << 17)
        self.prev = [-1] * (2 * WINDOW)
        self.hashes = _hash_run(data, 0, 2 * WINDOW)
        self.tokens = []
        self.writer = _BitWriter()

    def write(self, size):
        """One ``Write`` of the next ``size`` input bytes: step, then fill the window (sliding it first when the
        next position has reached ``2*windowSize - 262``), until the bytes are in (``compressor.write``)."""
        while size > 0:
            self._step(False)
            if self.index - self.base >= 2 * WINDOW - _LOOKAHEAD:
                self._slide()
            room = self.base + 2 * WINDOW - self.window_end
            n = size if size < room else room
            self.window_end += n
            size -= n

    def _slide(self):
        """``fillDeflate``'s shift by 32 KiB: the block start is forgotten when it leaves the window."""
        if self.block_start is not None and self.block_start - self.base < WINDOW:
            self.block_start = None
        self.base += WINDOW
        self.prev = self.prev[WINDOW:] + [-1] * WINDOW
        self.hashes = self.hashes[WINDOW:] + _hash_run(self.data, self.base + WINDOW, WINDOW)

    def close(self):
        """``Close``: compress what is left, then an empty final stored block. Returns the DEFLATE bytes."""
        self._step(True)
        self.writer.write_stored_header(0, True)
        self.writer.align()
        return bytes(self.writer.out)

    def _flush_block(self, index):
        """``compressor.writeBlock``: write the queued tokens, with the bytes they cover when still in the window."""
        start = self.block_start
        stored = self.data[start:index] if start is not None and start <= index else None
        self.block_start = index
        _write_block(self.writer, self.tokens, stored)
        self.tokens = []

    def _step(self, sync):
        """``compressor.deflate``: tokenize the window up to 262 bytes before its end (to its end when ``sync``)."""
        window_end = self.window_end
        if window_end - self.index < _LOOKAHEAD and not sync:
            return
        data, head, prev, base, hashes = self.data, self.head, self.prev, self.base, self.hashes
        max_insert = window_end - (_MIN_MATCH - 1)
        index, length, offset = self.index, self.length, self.offset
        chain_head, byte_available = self.chain_head, self.byte_available
        tokens = self.tokens
        find_match = self._find_match
        while True:
            lookahead = window_end - index
            if lookahead < _LOOKAHEAD:
                if not sync:
                    break
                if lookahead == 0:
                    if byte_available:
                        tokens.append(data[index - 1])
                        byte_available = False
                    if tokens:
                        self._flush_block(index)
                        tokens = self.tokens
                    break
            if index < max_insert:
                h = hashes[index - base]
                chain_head = head[h]
                prev[index - base] = chain_head
                head[h] = index
            prev_length, prev_offset = length, offset
            length = _MIN_MATCH - 1
            min_index = index - WINDOW
            if min_index < base:
                min_index = base
            if chain_head >= min_index and lookahead > prev_length and prev_length < _LAZY:
                length, offset = find_match(index, chain_head, lookahead)
            if prev_length >= _MIN_MATCH and length <= prev_length:
                tokens.append(_MATCH | (prev_length - 3) << 22 | (prev_offset - 1))
                new_index = index + prev_length - 1
                stop = new_index if new_index < max_insert else max_insert
                rel = index + 1 - base
                for h in hashes[rel:stop - base]:
                    prev[rel] = head[h]
                    head[h] = rel + base
                    rel += 1
                index = new_index
                byte_available = False
                length = _MIN_MATCH - 1
                if len(tokens) == _MAX_TOKENS:
                    self._flush_block(index)
                    tokens = self.tokens
            else:
                if byte_available:
                    tokens.append(data[index - 1])
                    if len(tokens) == _MAX_TOKENS:
                        self._flush_block(index)
                        tokens = self.tokens
                index += 1
                byte_available = True
        self.index, self.length, self.offset = index, length, offset
        self.chain_head, self.byte_available = chain_head, byte_available

    def _find_match(self, pos, candidate, lookahead):
        """``findMatch``: walk at most 128 candidates of the hash chain from ``candidate`` (nearest first) and return
        ``(length, offset)`` of the longest match (the nearest among equals; length 4 only within 4096 bytes),
        stopping at the first of length >= nice; ``(3, 0)`` when nothing beats length 3.

        Go also stops at the candidate exactly 32 KiB back because its ``hashPrev`` slot is reused by then; ``prev``
        here spans the whole window, so that candidate's link is older still and the window floor ends the walk at
        the same place."""
        data, prev, base = self.data, self.prev, self.base
        limit = _MAX_MATCH if lookahead > _MAX_MATCH else lookahead
        nice = _NICE if _NICE < limit else limit
        floor = pos - WINDOW
        if floor < base:
            floor = base
        length = _MIN_MATCH - 1
        offset = 0
        w_end = data[pos + length]
        target = int.from_bytes(data[pos:pos + limit], "little")
        tries = _CHAIN
        i = candidate
        while tries > 0:
            if data[i + length] == w_end:
                x = int.from_bytes(data[i:i + limit], "little") ^ target
                n = ((x & -x).bit_length() - 1) >> 3 if x else limit
                if n > length and (n > _MIN_MATCH or pos - i <= _FAR_MATCH4):
                    length = n
                    offset = pos - i
                    if n >= nice:
                        break
                    w_end = data[pos + n]
            i = prev[i - base]
            if i < floor:
                break
            tries -= 1
        return length, offset


def deflate(chunks):
    """Raw DEFLATE bytes of ``b"".join(chunks)`` exactly as Go's ``flate.NewWriter(w, flate.DefaultCompression)``
    writes them when each chunk is one ``Write`` call followed by ``Close``.

    ``chunks`` is a sequence of bytes-like objects; empty ones are allowed (Go ignores them). The chunk boundaries
    matter: they decide where Go slides its window. Returns bytes."""
    chunks = [bytes(c) for c in chunks]
    deflater = _Deflater(b"".join(chunks))
    for chunk in chunks:
        deflater.write(len(chunk))
    return deflater.close()


def gzip_header(extra=None, comment="", name="", mtime=0):
    """The gzip member header Go's ``gzip.Writer`` writes (compress/gzip/gzip.go, DefaultCompression): ``1f 8b 08``,
    flags for extra/name/comment, MTIME (0 when unset), XFL 0, OS 255 (unknown), then the extra field with its
    length, the name and the comment in Latin-1, each ending in NUL.

    ``extra`` is bytes or None, ``comment``/``name`` str, ``mtime`` Unix seconds. Raises ValueError when a name or
    comment is not Latin-1 or holds NUL (Go refuses them too)."""
    flags = 0
    tail = b""
    if extra is not None:
        flags |= 0x04
        tail += struct.pack("<H", len(extra)) + bytes(extra)
    for flag, text in ((0x08, name), (0x10, comment)):
        if text:
            try:
                raw = text.encode("latin-1")
            except UnicodeEncodeError:
                raise ValueError("gzip.Write: non-Latin-1 header string")
            if b"\0" in raw:
                raise ValueError("gzip.Write: non-Latin-1 header string")
            flags |= flag
            tail += raw + b"\0"
    return b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", mtime if mtime > 0 else 0) + b"\x00\xff" + tail


def gzip_trailer(chunks):
    """CRC-32 and size modulo 2**32 of the uncompressed ``chunks``, little-endian (the gzip member trailer)."""
    crc = 0
    size = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def gzip_member(chunks, extra=None, comment="", name="", mtime=0):
    """A gzip member exactly as Go's ``gzip.NewWriter`` (DefaultCompression) writes it when each of ``chunks`` is
    one ``Write`` call followed by ``Close``: :func:`gzip_header`, the DEFLATE body of :func:`deflate`,
    :func:`gzip_trailer`. Raises ValueError as :func:`gzip_header` does."""
    chunks = [bytes(c) for c in chunks]
    return gzip_header(extra, comment, name, mtime) + deflate(chunks) + gzip_trailer(chunks)
