$( A toy database with distinct variables, written for bmc's tests (test/metamath.test.ts). $)
$c |- wff set ( ) -> A. $.
$v x y ph ps $.
vx $f set x $.
vy $f set y $.
wph $f wff ph $.
wps $f wff ps $.
wv $a wff x $.
wi $a wff ( ph -> ps ) $.
wal $a wff A. x ph $.
${
  mp.1 $e |- ph $.
  mp.2 $e |- ( ph -> ps ) $.
  mp $a |- ps $.
$}
${
  $d x ph $.
  ax17 $a |- ( ph -> A. x ph ) $.
$}
${
  $d x y $.
  th1 $p |- ( y -> A. x y ) $= vx vy wv ax17 $.
$}
${
  $d x y $.
  th2.1 $e |- y $.
  th2 $p |- A. x y $= vy wv vx vy wv wal th2.1 vx vy wv ax17 mp $.
$}
${
  $d x y $.
  th3.1 $e |- y $.
  th3 $p |- A. x y $= vy wv vx vy wv wal th3.1 vx vy th1 mp $.
$}
