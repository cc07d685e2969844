pragma circom 2.1.0;

// bmc's Circom templates, shared by every generated segment circuit.
// Poseidon comes from circomlib (include path node_modules/circomlib/circuits).
include "poseidon.circom";

// in < 2^n, by its binary decomposition: n boolean bits whose weighted sum is in.
// n + 1 constraints. The bits are witnesses; each is forced to 0 or 1 and together they fix in,
// so the decomposition is unique for n < 253.
template RangeCheck(n) {
    signal input in;
    signal bits[n];
    var sum = 0;
    var weight = 1;
    for (var i = 0; i < n; i++) {
        bits[i] <-- (in >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        sum += bits[i] * weight;
        weight += weight;
    }
    sum === in;
}

// The LogUp term en / (c - x) as a witness inv, fixed by inv * (c - x) = en. With en = 0 the
// term is 0 (c != x except with negligible probability over the challenge x).
template LogUpTerm() {
    signal input en;
    signal input c;
    signal input x;
    signal output inv;
    inv <-- (c - x) != 0 ? en / (c - x) : 0;
    inv * (c - x) === en;
}

// Fiat-Shamir challenges from n field elements: a Poseidon sponge of width 16 (state, 15
// inputs) seeded with n, then two squeezes with distinct domain tags.
template Challenges(n) {
    signal input in[n];
    signal output a;
    signal output b;
    var chunks = (n + 14) \ 15;
    component absorb[chunks];
    for (var c = 0; c < chunks; c++) {
        absorb[c] = Poseidon(16);
        if (c == 0) {
            absorb[c].inputs[0] <== n;
        } else {
            absorb[c].inputs[0] <== absorb[c - 1].out;
        }
        for (var j = 0; j < 15; j++) {
            if (15 * c + j < n) {
                absorb[c].inputs[j + 1] <== in[15 * c + j];
            } else {
                absorb[c].inputs[j + 1] <== 0;
            }
        }
    }
    component squeezeA = Poseidon(2);
    component squeezeB = Poseidon(2);
    if (chunks == 0) {
        squeezeA.inputs[0] <== n;
        squeezeB.inputs[0] <== n;
    } else {
        squeezeA.inputs[0] <== absorb[chunks - 1].out;
        squeezeB.inputs[0] <== absorb[chunks - 1].out;
    }
    squeezeA.inputs[1] <== 1;
    squeezeB.inputs[1] <== 2;
    a <== squeezeA.out;
    b <== squeezeB.out;
}

// Powers a^1 .. a^w of the claim-compression challenge.
template Powers(w) {
    signal input a;
    signal output pw[w];
    pw[0] <== a;
    for (var i = 1; i < w; i++) {
        pw[i] <== pw[i - 1] * a;
    }
}

// The segment's unique claims, sorted: entries in[i] with enable bits en[i]. Enabled entries
// are strictly increasing, starting above prev (the last unique claim of the previous segment,
// 0 for the first); disabled ones are skipped wherever they are, and their values do not
// matter: they move neither the carry nor the sum (en / (in - x) = 0, as in is fixed before
// the challenge x, so in = x has negligible probability). Each gap[i] =
// en[i] * (in[i] - carry - 1) is an output that the segment range checks (all packed claims are
// below 2^252, so a gap below 2^252 proves the order without wrap-around).
// Outputs the permutation term sum en[i] / (in[i] - x) and the last claim (or prev if none).
template SortedUnique(n) {
    signal input in[n];
    signal input en[n];
    signal input prev;
    signal input x;
    signal output sum;
    signal output last;
    signal output gap[n];

    component terms[n];
    signal carry[n + 1];
    carry[0] <== prev;
    var total = 0;
    for (var i = 0; i < n; i++) {
        en[i] * (en[i] - 1) === 0;
        // carry[i] is the largest enabled entry before i (or prev): disabled entries keep it.
        gap[i] <== en[i] * (in[i] - carry[i] - 1);
        carry[i + 1] <== carry[i] + en[i] * (in[i] - carry[i]);
        terms[i] = LogUpTerm();
        terms[i].en <== en[i];
        terms[i].c <== in[i];
        terms[i].x <== x;
        total += terms[i].inv;
    }
    sum <== total;
    last <== carry[n];
}

// Every in[i] is one of 0 .. 2^k - 1, by a LogUp lookup into that table at the challenge x:
// sum 1 / (in[i] - x) = sum over t of m[t] / (t - x). Sound only when in and m are fixed before
// x (docs/circuits.md, "Range checks by lookup"): the fold main's private inputs, committed
// before the challenges. n + 2^k constraints.
template LimbLookup(n, k) {
    signal input in[n];
    signal input m[1 << k];
    signal input x;
    component limbs[n];
    component table[1 << k];
    var looked = 0;
    var offered = 0;
    for (var i = 0; i < n; i++) {
        limbs[i] = LogUpTerm();
        limbs[i].en <== 1;
        limbs[i].c <== in[i];
        limbs[i].x <== x;
        looked += limbs[i].inv;
    }
    for (var t = 0; t < (1 << k); t++) {
        table[t] = LogUpTerm();
        table[t].en <== m[t];
        table[t].c <== t;
        table[t].x <== x;
        offered += table[t].inv;
    }
    looked === offered;
}
