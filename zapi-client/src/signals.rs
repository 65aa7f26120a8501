//! What the generated `send_checked` of an operation with `x-zapi-outcomes`
//! asks of an answer's property: is a boolean signal true, is a string
//! signal there. typify gives a property `bool` (with a default) or
//! `Option<_>`; these traits read each shape the same way.

// Called by the generated code only where the spec uses the extension.
#![allow(dead_code)]

/// A boolean property, with or without a default.
pub(crate) trait Flag {
    fn is_set(&self) -> bool;
}

impl Flag for bool {
    fn is_set(&self) -> bool {
        *self
    }
}

impl Flag for Option<bool> {
    fn is_set(&self) -> bool {
        *self == Some(true)
    }
}

/// A string property: present and not empty.
pub(crate) trait Present {
    fn is_present(&self) -> bool;
}

/// `String` derefs to `str`; typify's constrained string newtypes to `String`.
impl<T> Present for Option<T>
where
    T: std::ops::Deref,
    T::Target: AsRef<str>,
{
    fn is_present(&self) -> bool {
        self.as_ref().is_some_and(|s| !(**s).as_ref().is_empty())
    }
}

/// Whether a boolean signal fires.
pub(crate) fn is_true(flag: &impl Flag) -> bool {
    flag.is_set()
}

/// Whether a string signal fires.
pub(crate) fn is_present(value: &impl Present) -> bool {
    value.is_present()
}
