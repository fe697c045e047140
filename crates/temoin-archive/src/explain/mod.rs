//! The library's typed reasons said in the user's language: why a
//! statement is refused ([`refusal`]), why a bundle or the log fails and
//! what an audit finds ([`verdict`]). Every function takes the language, so
//! that the command line (the process's language) and the server and the
//! report (the reader's) say the same thing the same way.

pub mod refusal;
pub mod verdict;
