$( A small Hilbert-style calculus of implication, written for bmc's examples: two axioms,
   modus ponens, and the theorem that every formula implies itself. $)

$c ( ) -> wff |- $.
$v ph ps ch $.

wph $f wff ph $.
wps $f wff ps $.
wch $f wff ch $.

$( Syntax: an implication is a formula. $)
wi $a wff ( ph -> ps ) $.

ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
ax-2 $a |- ( ( ph -> ( ps -> ch ) ) -> ( ( ph -> ps ) -> ( ph -> ch ) ) ) $.

${
  min $e |- ph $.
  maj $e |- ( ph -> ps ) $.
  ax-mp $a |- ps $.
$}

$( Every formula implies itself, from two instances of ax-1, one of ax-2 and modus ponens
   twice. $)
id $p |- ( ph -> ph ) $=
  wph wph wph wi wi wph wph wi wph wph ax-1 wph wph wph wi wph wi wi wph wph wph wi wi
  wph wph wi wi wph wph wph wi ax-1 wph wph wph wi wph ax-2 ax-mp ax-mp $.
